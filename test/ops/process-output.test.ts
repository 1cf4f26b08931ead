import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectInstanceDocument, CreateInstanceDocument, InstanceStatusDocument, LoginDocument, MessageReceivedDocument, QrCodeDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';
import { HttpGraphQLClient, WsGraphQLClient } from '../helpers/graphql-client.ts';
import { SandboxClient } from '../helpers/sandbox-client.ts';

// What the real process prints while it links an instance, talks, stops and restores it: pino JSON
// lines only (libsignal prints whole sessions, private and root keys included, with console.info).
const ME = '15550950001';
const PEER = '15550950002';
let dataDir: string;
const running: GatewayProcess[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wamux-output-'));
});
afterAll(async () => {
  for (const gw of running) if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function session(gw: GatewayProcess) {
  const url = await gw.url();
  const { login } = await new HttpGraphQLClient(`${url}/graphql`).ok(LoginDocument, { username: 'admin', password: 'process-test-password' });
  const ws = new WsGraphQLClient(`${url.replace(/^http/, 'ws')}/graphql`, login.accessToken);
  return { http: new HttpGraphQLClient(`${url}/graphql`, login.accessToken), ws, sandbox: new SandboxClient(`${url}/sandbox`, login.accessToken) };
}

/** A message each way, so Signal sessions are opened (and old ones closed) on both sides. */
async function talk(s: Awaited<ReturnType<typeof session>>, instanceId: string, text: string) {
  const inbox = await s.ws.subscribe(MessageReceivedDocument, { instanceId });
  const sent = await s.http.ok(SendTextDocument, { input: { instanceId, to: PEER, text } });
  await s.sandbox.waitForMessage(PEER, (m) => m.id === sent.sendText.messageId);
  await s.sandbox.sendText(PEER, ME, `${text} back`);
  await inbox.next((d) => d.messageReceived.text === `${text} back`);
  inbox.close();
}

async function stop(gw: GatewayProcess, s: Awaited<ReturnType<typeof session>>) {
  await s.ws.dispose();
  gw.child.kill('SIGTERM');
  expect(await gw.exited).toBe(0);
}

it('prints nothing but JSON log lines, and no key material, across link, messages and a restart', { timeout: 240_000 }, async () => {
  const first = spawnGateway(dataDir);
  running.push(first);
  const a = await session(first);
  await a.sandbox.createPhone(ME, 'Me');
  await a.sandbox.createPhone(PEER, 'Peer');
  const { createInstance } = await a.http.ok(CreateInstanceDocument, { name: 'output' });
  const id = createInstance.id;
  const status = await a.ws.subscribe(InstanceStatusDocument, { instanceId: id });
  const qrs = await a.ws.subscribe(QrCodeDocument, { instanceId: id });
  await a.http.ok(ConnectInstanceDocument, { id });
  await a.sandbox.scan(ME, (await qrs.next()).qrCode.code);
  await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE');
  await talk(a, id, 'before the restart');
  await stop(first, a);

  const second = spawnGateway(dataDir);
  running.push(second);
  const b = await session(second);
  const restored = await b.ws.subscribe(InstanceStatusDocument, { instanceId: id });
  // The subscription starts with the current status, so an instance already back online counts.
  await restored.next((d) => d.instanceStatus.status === 'ONLINE', 60_000, 'ONLINE after the restart');
  await talk(b, id, 'after the restart');
  await stop(second, b);

  for (const gw of [first, second]) {
    const lines = gw.output().split('\n').filter((l) => l.trim() !== '');
    // The launcher's own messages ("wamux: installing …") are the one exception.
    const notJson = lines.filter((l) => !l.startsWith('wamux: ') && !isLogLine(l));
    expect(notJson.slice(0, 5), 'lines that are not pino JSON').toEqual([]);
    expect(lines.filter((l) => /privKey|rootKey|Closing session|Opening session/.test(l)).map((l) => l.slice(0, 80))).toEqual([]);
  }
  // PGlite's files (its WAL holds password hashes), the secrets, the sandbox's state: owner-only.
  expect(await looseModes(dataDir)).toEqual([]);
});

/** Paths under `root` that group or others may read, write or enter. */
async function looseModes(root: string): Promise<string[]> {
  const loose: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) loose.push(`${path.slice(root.length) || '/'} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
  };
  await walk(root);
  return loose.slice(0, 10);
}

function isLogLine(line: string): boolean {
  try {
    const parsed = JSON.parse(line) as { level?: unknown; time?: unknown; msg?: unknown };
    return typeof parsed.level === 'number' && typeof parsed.time === 'number';
  } catch {
    return false;
  }
}
