import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectInstanceDocument, CreateInstanceDocument, InstanceStatusDocument, LoginDocument, QrCodeDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { provisionTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { spawnGateway, UNTHROTTLED, type GatewayProcess } from '../helpers/gateway-process.ts';
import { HttpGraphQLClient, WsGraphQLClient } from '../helpers/graphql-client.ts';
import { SandboxClient } from '../helpers/sandbox-client.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';

// The kill -9 run of sends, small: the gateway in its own process on PostgreSQL, a sandbox
// outside it (here, in the test process), SIGKILL half way through sends made with idempotency
// keys; the client retries every key it was not told was SENT. Each message reaches the phone
// exactly once, under one id per key. `./wamux bench --only kill9` runs the 1,000-send version.
// PostgreSQL only: SIGKILL of a process holding an embedded PGlite is not a case we promise.
const OWNER = '15550460001';
const CUSTOMER = '15550460002';
const SENDS = 40;
const SETTLED = new Set(['SENT', 'DELIVERED', 'READ', 'PLAYED']);

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let db: TestDatabase;
let dataDir: string;
const gateways: GatewayProcess[] = [];

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return;
  sandbox = await startTestSandbox();
  sandbox.sandbox.createPhone({ phoneNumber: OWNER, pushName: 'Owner' });
  sandbox.sandbox.createPhone({ phoneNumber: CUSTOMER, pushName: 'Customer' });
  db = await provisionTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'wamux-kill9-'));
});
afterAll(async () => {
  for (const gw of gateways) if (gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
  await sandbox?.stop();
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('hex') };

/** The gateway process and GraphQL clients logged in as its admin. */
async function start(): Promise<{ gw: GatewayProcess; http: HttpGraphQLClient; ws: WsGraphQLClient }> {
  const url = db.database.kind === 'postgresql' ? db.database.url : '';
  const gw = spawnGateway(dataDir, { SANDBOX_URL: sandbox.sandbox.info.controlUrl, DATABASE_URL: url, ...secrets, ...UNTHROTTLED });
  gateways.push(gw);
  const base = await gw.url();
  const { login } = await new HttpGraphQLClient(`${base}/graphql`).ok(LoginDocument, { username: 'admin', password: 'process-test-password' });
  return { gw, http: new HttpGraphQLClient(`${base}/graphql`, login.accessToken), ws: new WsGraphQLClient(`${base.replace(/^http/, 'ws')}/graphql`, login.accessToken) };
}

describe.skipIf(!process.env.DATABASE_URL)('kill -9 in the middle of sends with idempotency keys (PostgreSQL)', () => {
  it('every message reaches the phone exactly once, one id per key, the client retrying what it was not told was SENT', async () => {
    let { gw, http, ws } = await start();
    const { createInstance } = await http.ok(CreateInstanceDocument, { name: 'kill9' });
    const id = createInstance.id;
    const qr = await ws.subscribe(QrCodeDocument, { instanceId: id });
    const status = await ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await http.ok(ConnectInstanceDocument, { id });
    await sandbox.sandbox.scanQr(OWNER, (await qr.next(() => true, 60_000, 'a QR code')).qrCode.code);
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 60_000, 'ONLINE');
    ws.client.dispose();

    const answered = Array.from({ length: SENDS }, () => new Set<string>());
    const told: Array<string | undefined> = new Array(SENDS);
    const attempt = async (i: number) => {
      try {
        const { sendText } = await http.ok(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text: `kill9 ${i}`, idempotencyKey: `kill9-${i}` } });
        answered[i]!.add(sendText.messageId);
        told[i] = sendText.message.status;
      } catch {
        told[i] = undefined; // the gateway went away mid-call: not told
      }
    };
    // Four at a time; SIGKILL once half were told SENT, while the rest are in flight or queued.
    let next = 0;
    let killed = false;
    const lane = async () => {
      while (next < SENDS) {
        await attempt(next++);
        if (!killed && told.filter((s) => s && SETTLED.has(s)).length >= SENDS / 2) {
          killed = true;
          gw.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    expect(killed).toBe(true);
    expect(await gw.exited).toBe('SIGKILL');

    ({ gw, http, ws } = await start());
    const back = await ws.subscribe(InstanceStatusDocument, { instanceId: id });
    await back.next((d) => d.instanceStatus.status === 'ONLINE', 60_000, 'ONLINE after the restart');
    ws.client.dispose();
    for (let round = 0; round < 5; round++) {
      const open = told.map((s, i) => (s && SETTLED.has(s) ? -1 : i)).filter((i) => i >= 0);
      if (!open.length) break;
      await Promise.all(open.map(attempt));
    }
    expect(told.every((s) => s && SETTLED.has(s))).toBe(true);

    const phone = new SandboxClient(sandbox.sandbox.info.controlUrl);
    for (let i = 0; i < SENDS; i++) await phone.waitForMessage(CUSTOMER, (m) => m.text === `kill9 ${i}`, 30_000);
    const inbox = await phone.messages(CUSTOMER);
    for (let i = 0; i < SENDS; i++) {
      expect(answered[i]!.size, `key ${i}: one id`).toBe(1);
      const copies = inbox.filter((m) => m.text === `kill9 ${i}`);
      expect(copies.map((m) => m.id), `message ${i} exactly once`).toEqual([...answered[i]!]);
    }
  }, 600_000);
});
