import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateInstanceDocument, LoginDocument, MeDocument } from '../graphql/generated/graphql.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { startTestGateway, TEST_ADMIN, type TestStorage } from '../helpers/app.ts';
import { HttpGraphQLClient } from '../helpers/graphql-client.ts';

// `./wamux admin …` as an operator runs it, in its own process against the gateway's embedded
// database (stopped), with its exit codes. The gateway then accepts what the CLI changed.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let storage: TestStorage;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wamux-admin-cli-'));
  storage = { dataDir, database: { kind: 'pglite', dataDir: join(dataDir, 'pglite') }, secrets: {}, drop: () => rm(dataDir, { recursive: true, force: true }) };
});
afterAll(async () => {
  await storage?.drop();
});

async function admin(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _db, ...env } = process.env;
  const child = spawn('./wamux', ['admin', ...args], { cwd: ROOT, env: { ...env, DATA_DIR: storage.dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin ?? '');
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

it('manages users, keys and instances in the configured database, with clear exit codes', { timeout: 240_000 }, async () => {
  const first = await startTestGateway({ storage });
  await first.http.ok(CreateInstanceDocument, { name: 'listed-one' });
  const busy = await admin(['list-instances']);
  expect(busy.code, busy.stderr).toBe(3);
  expect(busy.stderr).toMatch(/stop it first/);
  await first.close();

  const listed = await admin(['list-instances']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toMatch(/^ID\s+NAME\s+STATUS\s+PHONE\s+OWNER/);
  expect(listed.stdout).toMatch(/listed-one\s+CREATED\s+-\s+admin/);

  const reset = await admin(['reset-password', TEST_ADMIN.username]);
  expect(reset.code, reset.stderr).toBe(0);
  const newPassword = /new password: (\S+)/.exec(reset.stdout)?.[1];
  expect(newPassword).toBeTruthy();
  const chosen = await admin(['create-user', 'ops-user', '--password-stdin'], 'ops-user-password-1\n');
  expect(chosen.code, chosen.stderr).toBe(0);
  expect(chosen.stdout).toMatch(/created USER "ops-user"/);
  expect(chosen.stdout).not.toMatch(/password:/);
  const key = await admin(['create-api-key', 'ops-user', 'ci']);
  expect(key.code, key.stderr).toBe(0);
  const apiKey = key.stdout.trim().split('\n').at(-1)!;

  const taken = await admin(['create-user', 'ops-user']);
  expect(taken.code).toBe(1);
  expect(taken.stderr).toMatch(/username "ops-user" is taken/);
  const unknown = await admin(['reset-password', 'nobody']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/no user named "nobody"/);
  expect((await admin(['frobnicate'])).code).toBe(2);
  expect((await admin(['create-api-key', 'ops-user'])).code).toBe(2);

  // The gateway sees the changes: the new admin password, the new user, the API key.
  const app = await createApp({ ...loadConfig({ DATA_DIR: storage.dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' }), database: storage.database });
  try {
    const anonymous = new HttpGraphQLClient(`${(await app.start()).url}/graphql`);
    expect((await anonymous.fail(LoginDocument, TEST_ADMIN)).extensions?.code).toBe('UNAUTHENTICATED');
    expect((await anonymous.ok(LoginDocument, { username: TEST_ADMIN.username, password: newPassword! })).login.accessToken).toBeTruthy();
    expect((await anonymous.ok(LoginDocument, { username: 'ops-user', password: 'ops-user-password-1' })).login.accessToken).toBeTruthy();
    expect((await anonymous.as(apiKey).ok(MeDocument)).me.username).toBe('ops-user');
  } finally {
    await app.stop();
  }
});
