import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebhookDocument,
  DeleteWebhookDocument,
  ReplayWebhookDeliveriesDocument,
  ResumeInstanceQueueDocument,
  SendTextStoredDocument,
  UpdateWebhookDocument,
  WebhookDeliveriesDocument,
  WebhooksDocument,
  type DeliveryStatus,
  type WebhookEvent,
} from '../graphql/generated/graphql.ts';
import { initOrm, type Orm } from '../../src/db/orm.ts';
import { startTestGateway, type TestGateway, type TestStorage } from '../helpers/app.ts';
import { WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.ts';

// Webhooks managed through GraphQL, end to end: real Baileys against the sandbox, real database,
// real HTTP receivers on loopback, and a real restart in the middle.
const ANNA = '15550930001';
const BORIS = '15550930002';
const CLARA = '15550930003';
const DORA = '15550930004';
const ALL_EVENTS: WebhookEvent[] = ['MESSAGE_RECEIVED', 'MESSAGE_SENT', 'MESSAGE_STATUS', 'INSTANCE_STATUS', 'QR', 'INSTANCE_RESTRICTED'];
// Tiny backoff so retries are quick; 4 attempts so "500 three times" still delivers and a dead receiver fails fast.
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '60',
  WEBHOOK_POLL_MS: '20',
  WEBHOOK_MAX_ATTEMPTS: '4',
  WEBHOOK_TIMEOUT_MS: '10000',
};

interface WamuxBody {
  id: string;
  type: WebhookEvent;
  instanceId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

let gw: TestGateway;
let storage: TestStorage;
let instanceId: string;
/** Linked by the event-type test (its QR codes and status changes are events); the restart test uses it too. */
let claraInstance: string;
const receivers: WebhookReceiver[] = [];

const body = (h: ReceivedHook) => h.json as unknown as WamuxBody;
const ofMessages = (ids: string[]) => (h: ReceivedHook) => body(h).type === 'MESSAGE_RECEIVED' && ids.includes(body(h).data.id as string);

/** What a receiver should do: HMAC-SHA256 over `<t>.<raw body>`, a fresh timestamp, a constant-time compare. */
function verifySignature(secret: string, h: ReceivedHook, toleranceSeconds = 300): boolean {
  const header = String(h.headers['x-wamux-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(h.raw).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

async function createWebhook(input: { instanceId?: string; url: string; events: WebhookEvent[]; secret?: string }, client = gw.http) {
  const { createWebhook } = await client.ok(CreateWebhookDocument, { input });
  return createWebhook;
}

async function deliveries(webhookId: string, status?: DeliveryStatus) {
  const nodes = [];
  let after: string | null | undefined;
  for (;;) {
    const { webhookDeliveries } = await gw.http.ok(WebhookDeliveriesDocument, { webhookId, ...(status ? { status } : {}), first: 2, after });
    nodes.push(...webhookDeliveries.edges.map((e) => e.node));
    if (!webhookDeliveries.pageInfo.hasNextPage) return nodes;
    after = webhookDeliveries.pageInfo.endCursor;
  }
}

/** Sends `count` messages from `phone` to the instance's phone, one after the other; returns their ids in order. */
async function phoneSends(count: number, label: string, from = BORIS, to = ANNA): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await gw.sandbox.sendText(from, to, `${label} ${i}`));
  return ids;
}

beforeAll(async () => {
  gw = await startTestGateway({ env: ENV });
  storage = gw.storage;
  await gw.sandbox.createPhone(ANNA, 'Anna');
  await gw.sandbox.createPhone(BORIS, 'Boris');
  await gw.sandbox.createPhone(CLARA, 'Clara');
  await gw.sandbox.createPhone(DORA, 'Dora');
  instanceId = await gw.linkInstance('hooks-a', ANNA);
}, 120_000);
afterAll(async () => {
  await gw?.close();
  for (const r of receivers) await r.close();
});

describe('managing webhooks', () => {
  it('keeps USERs to webhooks of instances they may use, and says why input is refused', async () => {
    const hooks = await receiver();
    const admins = await createWebhook({ instanceId, url: hooks.url, events: ['INSTANCE_STATUS'] });
    expect(admins.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(admins.webhook).toMatchObject({ instanceId, url: hooks.url, events: ['INSTANCE_STATUS'], format: 'wamux' });

    const user = gw.http.as(await gw.createUserToken('hook-user'));
    expect((await user.fail(CreateWebhookDocument, { input: { instanceId, url: hooks.url, events: ['QR'] } })).extensions?.code).toBe('FORBIDDEN');
    const own = (await user.ok(CreateWebhookDocument, { input: { url: hooks.url, events: ['QR'], secret: 'a-user-secret-of-16+' } })).createWebhook;
    expect(own).toMatchObject({ secret: 'a-user-secret-of-16+', webhook: { instanceId: null } });
    expect((await user.ok(WebhooksDocument)).webhooks.map((w) => w.id)).toEqual([own.webhook.id]);
    expect((await gw.http.ok(WebhooksDocument)).webhooks.map((w) => w.id)).toEqual(expect.arrayContaining([admins.webhook.id, own.webhook.id]));
    for (const op of [
      () => user.fail(WebhookDeliveriesDocument, { webhookId: admins.webhook.id }),
      () => user.fail(UpdateWebhookDocument, { input: { id: admins.webhook.id, url: 'http://127.0.0.1:1/x' } }),
      () => user.fail(DeleteWebhookDocument, { id: admins.webhook.id }),
      () => user.fail(ReplayWebhookDeliveriesDocument, { webhookId: admins.webhook.id }),
    ]) {
      expect((await op()).extensions?.code).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await gw.http.fail(CreateWebhookDocument, { input: { url: hooks.url, events: [] } })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'events' });
    expect((await gw.http.fail(CreateWebhookDocument, { input: { url: hooks.url, events: ['QR'], secret: 'short' } })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'secret' });
    expect((await gw.http.fail(CreateWebhookDocument, { input: { url: 'ftp://example.com/x', events: ['QR'] } })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'url' });
    expect((await gw.http.fail(WebhookDeliveriesDocument, { webhookId: admins.webhook.id, after: 'bm9wZQ' })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });

    // The USER's instance-wide webhook hears nothing of the admin's instance: its row would have
    // been written in the same INSERT as the admin webhook's.
    const updated = (await gw.http.ok(UpdateWebhookDocument, { input: { id: admins.webhook.id, events: ['MESSAGE_RECEIVED'] } })).updateWebhook;
    expect(updated.events).toEqual(['MESSAGE_RECEIVED']);
    const [sent] = await phoneSends(1, 'owner rules');
    await hooks.waitFor(ofMessages([sent!]));
    expect(hooks.received.filter((h) => body(h).type !== 'MESSAGE_RECEIVED' && body(h).type !== 'INSTANCE_STATUS')).toEqual([]);
    const usersRows = await user.ok(WebhookDeliveriesDocument, { webhookId: own.webhook.id });
    expect(usersRows.webhookDeliveries.edges).toEqual([]);

    for (const id of [admins.webhook.id, own.webhook.id]) expect((await gw.http.ok(DeleteWebhookDocument, { id })).deleteWebhook.id).toBe(id);
    expect((await gw.http.ok(WebhooksDocument)).webhooks.map((w) => w.id)).not.toContain(admins.webhook.id);
  });
});

describe('delivery', () => {
  it('delivers each event type with a stable id, signed over timestamp and body', async () => {
    const hooks = await receiver();
    const { webhook, secret } = await createWebhook({ url: hooks.url, events: ALL_EVENTS });
    try {
      // A new instance: QR codes, status changes; then a message from a phone.
      const linked = (claraInstance = await gw.linkInstance('hooks-b', CLARA));
      const [incoming] = await phoneSends(1, 'to clara', DORA, CLARA);

      const of = (type: WebhookEvent) => (h: ReceivedHook) => body(h).type === type && body(h).instanceId === linked;
      const [qr] = await hooks.waitFor(of('QR'));
      expect(body(qr!).data).toMatchObject({ instanceId: linked, code: expect.any(String), expiresAt: expect.any(String) });
      const statuses = await hooks.waitFor((h) => of('INSTANCE_STATUS')(h) && body(h).data.status === 'ONLINE');
      expect(body(statuses[0]!).data).toMatchObject({ instanceId: linked, status: 'ONLINE' });
      const [received] = await hooks.waitFor((h) => of('MESSAGE_RECEIVED')(h) && body(h).data.id === incoming);
      expect(body(received!).data).toMatchObject({ id: incoming, instanceId: linked, text: 'to clara 0', fromMe: false, direction: 'INBOUND', cursor: expect.any(String) });
      for (const h of hooks.received) {
        expect(h.headers['content-type']).toBe('application/json');
        expect(verifySignature(secret, h), `signature of ${h.raw}`).toBe(true);
        expect(verifySignature('not-the-secret-at-all', h)).toBe(false);
        expect(body(h)).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: expect.any(String), instanceId: expect.any(String), createdAt: expect.any(String), data: expect.any(Object) });
      }
      // Every event is its own id (a retry after a timeout may repeat a request, with the same id and body).
      const bodies = new Map<string, Set<string>>();
      for (const h of hooks.received) bodies.set(body(h).id, (bodies.get(body(h).id) ?? new Set()).add(h.raw.toString()));
      expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
      expect(bodies.size).toBe(new Set(hooks.received.map((h) => h.raw.toString())).size);
    } finally {
      await gw.http.ok(DeleteWebhookDocument, { id: webhook.id });
    }
  });

  it('delivers MESSAGE_SENT, MESSAGE_STATUS and INSTANCE_RESTRICTED from the ledger, signed', async () => {
    const hooks = await receiver();
    const { webhook, secret } = await createWebhook({ instanceId, url: hooks.url, events: ['MESSAGE_SENT', 'MESSAGE_STATUS', 'INSTANCE_RESTRICTED'] });
    const send = async (text: string) => (await gw.http.ok(SendTextStoredDocument, { input: { instanceId, to: BORIS, text } })).sendText;
    try {
      const sent = await send('hooked send');
      const [accepted] = await hooks.waitFor((h) => body(h).type === 'MESSAGE_SENT' && body(h).data.id === sent.messageId);
      expect(body(accepted!)).toMatchObject({ instanceId, data: { id: sent.messageId } });
      for (const status of ['QUEUED', 'SENDING', 'SENT']) {
        await hooks.waitFor((h) => body(h).type === 'MESSAGE_STATUS' && body(h).data.messageId === sent.messageId && body(h).data.status === status);
      }
      // WhatsApp refuses the next send with 463 (reach-out timelock): it fails, the queue pauses, and the webhook hears why.
      await gw.sandbox.fault({ kind: 'reject-sends', code: 463, phoneNumber: ANNA, count: 1 });
      expect((await send('refused')).message.status).toBe('FAILED');
      const [restricted] = await hooks.waitFor((h) => body(h).type === 'INSTANCE_RESTRICTED');
      expect(body(restricted!).instanceId).toBe(instanceId);
      expect(JSON.stringify(body(restricted!).data)).toContain('463');
      for (const h of hooks.received) expect(verifySignature(secret, h), `signature of ${h.raw}`).toBe(true);
    } finally {
      await gw.http.ok(ResumeInstanceQueueDocument, { instanceId });
      await gw.http.ok(DeleteWebhookDocument, { id: webhook.id });
    }
  });

  it('keeps per-instance order under retries: a receiver answering 500 for a while gets everything in order afterwards', async () => {
    const hooks = await receiver();
    const { webhook, secret } = await createWebhook({ instanceId, url: hooks.url, events: ['MESSAGE_RECEIVED'] });
    hooks.answers = [500, 500, 500];
    const ids = await phoneSends(5, 'ordered');
    const got = await hooks.waitFor((h) => ofMessages(ids)(h) && h.status === 200, 5);
    expect(got.map((h) => body(h).data.id)).toEqual(ids);
    // The three 500s all went to the first message: nothing later was tried before it went through.
    const attempts = hooks.received.filter(ofMessages(ids));
    expect(attempts.map((h) => [body(h).data.id, h.status])).toEqual([
      [ids[0], 500],
      [ids[0], 500],
      [ids[0], 500],
      ...ids.map((id) => [id, 200]),
    ]);
    // The same event (id, body) on every attempt, each freshly signed.
    expect(new Set(attempts.slice(0, 4).map((h) => h.raw.toString())).size).toBe(1);
    for (const h of attempts) expect(verifySignature(secret, h)).toBe(true);
    expect(await drained(webhook.id)).toEqual([]);
    await gw.http.ok(DeleteWebhookDocument, { id: webhook.id });
  });

  // Boots a second gateway on the same storage: a budget that fits a boot on a busy box.
  it('keeps a dead receiver’s deliveries as FAILED (pruned after the retention), lists them and replays them in order, across a restart that also lost an outbox write', { timeout: 120_000 }, async () => {
    const dead = await receiver();
    const { webhook, secret } = await createWebhook({ instanceId, url: `${dead.url}?dead`, events: ['MESSAGE_RECEIVED'] });
    dead.defaultStatus = 503;
    const ids = await phoneSends(3, 'dead letter');
    // The first runs out of attempts; the two queued behind it are given up with it, untried.
    await dead.waitFor(ofMessages(ids), 4);
    const failed = await waitForDeliveries(webhook.id, 'FAILED', (rows) => rows.length >= 3);
    expect(failed.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ['MESSAGE_RECEIVED', 'FAILED', 4],
      ['MESSAGE_RECEIVED', 'FAILED', 0],
      ['MESSAGE_RECEIVED', 'FAILED', 0],
    ]);
    expect(failed[0]!.lastError).toBe('HTTP 503');
    expect(failed[1]!.lastError).toMatch(/earlier delivery failed after 4 attempts/);
    expect(dead.received.filter(ofMessages(ids)).map((h) => body(h).data.id)).toEqual([ids[0], ids[0], ids[0], ids[0]]);

    // Meanwhile another instance's messages are queued to a receiver that answers 503: they stay
    // PENDING over the restart, or are caught up from the ledger if they never reached the outbox.
    const flaky = await receiver();
    flaky.defaultStatus = 503;
    const pendingHook = await createWebhook({ instanceId: claraInstance, url: flaky.url, events: ['MESSAGE_RECEIVED'] });
    const queued = await phoneSends(2, 'over the restart', DORA, CLARA);
    await flaky.waitFor(ofMessages(queued));

    await gw.stop();
    // Make it as if the gateway had died after the ledger stored the second message and before its
    // outbox row was committed (the row and the watermark are one transaction: neither is there).
    const lostEventId = await crashBeforeOutbox(pendingHook.webhook.id, claraInstance, queued[1]!);
    // And as if the last dead letter had failed 40 days ago: past WEBHOOK_DEAD_LETTER_RETENTION_DAYS (30).
    await onStoppedDatabase((db) => db.execute("update webhook_dead_letter set failed_at = now() - interval '40 days' where id = ?", [failed[2]!.id]));
    flaky.defaultStatus = 200;
    gw = await startTestGateway({ storage, env: ENV });

    // The queued row survived; the lost one is caught up from the ledger, after it, with its event id.
    const after = await flaky.waitFor((h) => ofMessages(queued)(h) && h.status === 200, 2);
    expect(after.map((h) => body(h).data.id)).toEqual(queued);
    expect(body(after[1]!).id).toBe(lostEventId);
    for (const h of after) expect(verifySignature(pendingHook.secret, h)).toBe(true);

    // Still FAILED after the restart, but for the pruned one; the receiver is back (at a new URL):
    // replay the first by id, then the rest by time.
    const kept = await waitForDeliveries(webhook.id, 'FAILED', (rows) => rows.length < 3);
    expect(kept.map((d) => d.id)).toEqual(failed.slice(0, 2).map((d) => d.id));
    const alive = await receiver();
    await gw.http.ok(UpdateWebhookDocument, { input: { id: webhook.id, url: alive.url } });
    expect((await gw.http.ok(ReplayWebhookDeliveriesDocument, { webhookId: webhook.id, ids: [failed[0]!.id] })).replayWebhookDeliveries.replayed).toBe(1);
    await alive.waitFor(ofMessages(ids.slice(0, 1)));
    const since = failed[1]!.createdAt;
    expect((await gw.http.ok(ReplayWebhookDeliveriesDocument, { webhookId: webhook.id, since })).replayWebhookDeliveries.replayed).toBe(1);
    const replayed = await alive.waitFor(ofMessages(ids), 2);
    expect(replayed.map((h) => body(h).data.id)).toEqual(ids.slice(0, 2));
    // The same event ids the dead receiver was offered, signed with the same secret.
    expect(replayed.map((h) => body(h).id)).toEqual(failed.slice(0, 2).map((d) => d.eventId));
    expect(body(replayed[0]!).id).toBe(body(dead.received.find(ofMessages(ids))!).id);
    for (const h of replayed) expect(verifySignature(secret, h)).toBe(true);
    expect(await drained(webhook.id)).toEqual([]);
    expect((await gw.http.ok(ReplayWebhookDeliveriesDocument, { webhookId: webhook.id })).replayWebhookDeliveries.replayed).toBe(0);
  });
});

/**
 * On a stopped gateway's database: removes the newest outbox row of `webhookId` (the one of
 * message `waId`) and moves the inbound watermark back to just before that message's ledger row.
 * Returns the event id the row had.
 */
async function crashBeforeOutbox(webhookId: string, instance: string, waId: string): Promise<string> {
  return onStoppedDatabase(async (db) => {
    const [message] = (await db.execute('select seq from message where instance_id = ? and wa_id = ?', [instance, waId])) as Array<{ seq: string | number }>;
    const [row] = (await db.execute('select id, event_id from webhook_delivery where webhook_id = ? order by seq desc limit 1', [webhookId])) as Array<{ id: string; event_id: string }>;
    expect(message && row).toBeTruthy();
    await db.execute('delete from webhook_delivery where id = ?', [row!.id]);
    await db.execute("update webhook_watermark set seq = ? where name = 'messageReceived'", [Number(message!.seq) - 1]);
    return row!.event_id;
  });
}

/** Runs statements on the stopped gateway's database (state a crash or time would have left). */
async function onStoppedDatabase<T>(run: (db: ReturnType<Orm['em']['getConnection']>) => Promise<T>): Promise<T> {
  const orm = await initOrm(storage.database, { logger: () => {} });
  try {
    return await run(orm.em.getConnection());
  } finally {
    await orm.close();
  }
}

/**
 * The dispatcher's bookkeeping (a row going FAILED, a delivered row leaving the outbox) happens
 * after the receiver saw the request: wait on the API's own answer until it says what is expected.
 */
async function waitForDeliveries(webhookId: string, status: DeliveryStatus | undefined, done: (rows: Awaited<ReturnType<typeof deliveries>>) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await deliveries(webhookId, status);
    if (done(rows) || Date.now() > deadline) return rows;
    // Polling the API, not sleeping for a guess: each round is one query.
    await new Promise((r) => setImmediate(r));
  }
}

const drained = (webhookId: string) => waitForDeliveries(webhookId, undefined, (rows) => rows.length === 0);
