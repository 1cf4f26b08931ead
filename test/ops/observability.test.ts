import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstancesDocument, MessageReceivedDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { eventually, RestClient } from '../helpers/rest-client.ts';

// What an operator watches: /metrics moving with real traffic, request ids tying log lines to a
// request, and readiness that tells the truth while stored instances are being restored.
const ALICE = '15550420001';
const BOB = '15550420002';
const CAROL = '15550420003';
const NOBODY = '15550429999';
const METRICS_TOKEN = 'metrics-token-for-the-tests';
const { logger, lines } = captureLogs('info');
let gw: TestGateway;
let alice: string;

beforeAll(async () => {
  gw = await startTestGateway({ logger, env: { METRICS_TOKEN } });
  for (const [phone, name] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol']] as const) await gw.sandbox.createPhone(phone, name);
  alice = await gw.linkInstance('alice', ALICE);
  await gw.linkInstance('carol', CAROL);
});
afterAll(async () => {
  await gw?.close();
});

/** One scrape, as `name{labels} value` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return values;
}
const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('/metrics', () => {
  it('needs the token when METRICS_TOKEN is set', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
  });

  it('counts sends, failures and received messages as they happen', async () => {
    const before = await scrape();
    expect(value(before, 'wamux_instances{status="ONLINE"}')).toBe(2);
    expect(value(before, 'wamux_connects_total')).toBeGreaterThanOrEqual(2);
    expect(value(before, 'wamux_connection_closes_total{code="515",action="restart"}')).toBeGreaterThanOrEqual(2);
    expect(before.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(before.has('process_resident_memory_bytes')).toBe(true);

    await gw.http.ok(SendTextDocument, { input: { instanceId: alice, to: BOB, text: 'counted' } });
    await gw.http.fail(SendTextDocument, { input: { instanceId: alice, to: NOBODY, text: 'refused' } });
    const incoming = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: alice });
    try {
      await gw.sandbox.sendText(BOB, ALICE, 'hello alice');
      await incoming.next((d) => d.messageReceived.text === 'hello alice', 10_000, 'the message');
    } finally {
      incoming.close();
    }

    const after = await scrape();
    const delta = (key: string) => value(after, key) - value(before, key);
    expect(delta('wamux_messages_sent_total{kind="text"}')).toBe(1);
    expect(delta('wamux_send_duration_seconds_count{kind="text"}')).toBe(1);
    expect(delta('wamux_messages_failed_total{kind="text",code="RECIPIENT_NOT_ON_WHATSAPP"}')).toBe(1);
    expect(delta('wamux_messages_received_total{kind="text"}')).toBe(1);
    expect(delta('wamux_inbound_latency_seconds_count')).toBe(1);
    expect(delta('wamux_key_write_batch_size_count')).toBeGreaterThan(0);
    expect(value(after, 'wamux_webhook_outbox_depth')).toBe(0);
  });
});

describe('request ids', () => {
  it('takes x-request-id, echoes it, and puts it on the log lines of that request', async () => {
    const res = await fetch(gw.http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}`, 'x-request-id': 'ops-test-graphql-1' },
      body: JSON.stringify({ query: SendTextDocument.toString(), variables: { input: { instanceId: alice, to: NOBODY, text: 'x' } } }),
    });
    expect(res.headers.get('x-request-id')).toBe('ops-test-graphql-1');
    const refused = lines.filter((l) => l.requestId === 'ops-test-graphql-1');
    expect(refused.map((l) => l.msg)).toContain('operation refused');

    const rest = new RestClient(gw.url, gw.adminToken);
    const answer = await rest.call('POST', `/api/send/${alice}`, { to: NOBODY, message: 'x' });
    const generated = answer.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((l) => l.requestId === generated).map((l) => l.msg)).toContain('request refused');

    // A header that could forge log content is replaced, not echoed.
    const odd = await fetch(`${gw.url}/livez`, { headers: { 'x-request-id': 'a b"c' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives each graphql-ws operation its own id on its log lines', async () => {
    const op = await gw.ws.subscribe(SendTextDocument, { input: { instanceId: alice, to: NOBODY, text: 'x' } });
    expect((await op.error()).extensions?.code).toBe('RECIPIENT_NOT_ON_WHATSAPP');
    op.close();
    const refused = lines.filter((l) => l.msg === 'operation refused' && l.code === 'RECIPIENT_NOT_ON_WHATSAPP');
    const last = refused.at(-1)!;
    expect(last.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.filter((l) => l.requestId === last.requestId)).toHaveLength(1);
  });
});

describe('readiness', () => {
  it('is 503 with counts while stored instances are restored, then ready', async () => {
    await gw.stop();
    const restarted = await startTestGateway({ storage: gw.storage, logger, env: { RESTORE_CONCURRENCY: '1', RESTORE_STAGGER_MS: '8000' } });
    try {
      // Every stanza to the gateway's sockets 3 s late: a login takes seconds, not milliseconds.
      await restarted.sandbox.fault({ kind: 'delay', seconds: 3 });
      const during = await fetch(`${restarted.url}/readyz`);
      const body = (await during.json()) as { status: string; checks: { database: string; migrations: string; restore: { total: number; done: number; finished: boolean } } };
      expect(during.status).toBe(503);
      expect(body.status).toBe('restoring');
      expect(body.checks).toMatchObject({ database: 'ok', migrations: 'ok', restore: { total: 2, finished: false } });
      expect(body.checks.restore.done).toBeLessThan(2);
      expect((await fetch(`${restarted.url}/livez`)).status).toBe(200);

      const ready = await eventually(async () => {
        const res = await fetch(`${restarted.url}/healthz`);
        return res.status === 200 && ((await res.json()) as typeof body);
      }, 'ready after the restore', 60_000);
      expect(ready.checks.restore).toEqual({ total: 2, done: 2, failed: 0, finished: true });
      // The restore bounds logins in flight, not sockets opened: ready means every login has had its
      // outcome, so both are ONLINE already (with sockets opened only, the second would be CONNECTING).
      const { instances } = await restarted.http.ok(InstancesDocument, {});
      expect(instances.map((i) => i.status)).toEqual(['ONLINE', 'ONLINE']);
      await restarted.sandbox.fault({ kind: 'clear' });
      expect(lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('restore finished: 2/2 instances started'))).toBe(true);
    } finally {
      await restarted.stop();
    }
  });
});
