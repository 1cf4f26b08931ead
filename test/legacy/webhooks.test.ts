import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../../src/db/orm.ts';
import { MessageReceivedDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway, type TestStorage } from '../helpers/app.ts';
import { scrapeMetrics } from '../helpers/metrics.ts';
import { WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.ts';

// SUDEVWA's webhook through the public surface: the setconfig route over real HTTP, real messages
// from a sandbox phone, a real local HTTP server as the receiver, and a real restart.
const ERIN = '15550920001';
const FRANK = '15550920002';
const ZERO = '00000000-0000-0000-0000-000000000000';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
// Loopback receivers need the switch; retries are fast so a test sees several.
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_MAX_ATTEMPTS: '50',
  WEBHOOK_CONCURRENCY_PER_TARGET: '2',
};

let gw: TestGateway;
let storage: TestStorage;
let receiver: WebhookReceiver;
let instanceId: string;

/** Deliveries still owed to receivers: a row leaves the outbox once delivered or given up, never to be sent again. */
const outboxDepth = async () => (await scrapeMetrics(gw.url))('wamux_webhook_outbox_depth');
const attempts = async (result: 'delivered' | 'retry' | 'failed' | 'gave_up') => (await scrapeMetrics(gw.url))(`wamux_webhook_deliveries_total{result="${result}"}`);

const sign = (secret: string, raw: Buffer) => createHmac('sha256', secret).update(raw).digest('hex');
const forMessage = (id: string) => (h: ReceivedHook) => h.json.data.message_id === id;

/** `token: null` sends no credential. */
async function setConfig(id: string, body: unknown, token: string | null = gw.adminToken, raw?: string) {
  const res = await fetch(`${gw.url}/api/instances/${id}/webhook-setconfig`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  gw = await startTestGateway({ env: ENV });
  storage = gw.storage;
  await gw.sandbox.createPhone(ERIN, 'Erin');
  await gw.sandbox.createPhone(FRANK, 'Frank');
  instanceId = await gw.linkInstance('hooked', ERIN);
});
afterAll(async () => {
  await gw?.close();
  await receiver?.close();
});

describe('POST /api/instances/:instanceId/webhook-setconfig', () => {
  it('answers each documented error with its status, message and code', async () => {
    expect(await setConfig(instanceId, { url: receiver.url }, null)).toEqual({ status: 401, body: { success: false, message: 'Unauthorized', error: { code: 'UNAUTHORIZED' } } });
    expect(await setConfig(instanceId, {})).toEqual({ status: 400, body: { success: false, message: "Field 'url' is required", error: { code: 'VALIDATION_ERROR' } } });
    expect(await setConfig(instanceId, undefined, gw.adminToken, '')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
    expect(await setConfig(instanceId, { url: 'ftp://example.com/hook' })).toEqual({
      status: 400,
      body: { success: false, message: 'webhook url must start with http:// or https://', error: { code: 'INVALID_URL' } },
    });
    const malformed = await setConfig(instanceId, undefined, gw.adminToken, '{"url":');
    expect(malformed).toMatchObject({ status: 400, body: { success: false, message: 'Invalid request body', error: { code: 'INVALID_REQUEST' } } });
    expect(await setConfig(instanceId, [1, 2])).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect(await setConfig(ZERO, { url: receiver.url })).toEqual({ status: 404, body: { success: false, message: 'Instance not found', error: { code: 'INSTANCE_NOT_FOUND' } } });
    expect((await setConfig('not-an-id', { url: receiver.url })).status).toBe(404);
  });

  it("refuses a USER on another user's instance, like every other route", async () => {
    const token = await gw.createUserToken('hook-tenant');
    expect(await setConfig(instanceId, { url: receiver.url }, token)).toEqual({ status: 403, body: { success: false, message: 'You do not have access to this instance' } });
  });

  it('generates a 64-hex secret when none is given, keeps it when omitted again, and takes a given one', async () => {
    const first = await setConfig(instanceId, { url: receiver.url });
    expect(first).toEqual({
      status: 200,
      body: { success: true, message: 'Webhook config updated', data: { instanceId, webhookUrl: receiver.url, secret: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
    const again = await setConfig(instanceId, { url: receiver.url });
    expect((again.body.data as { secret: string }).secret).toBe((first.body.data as { secret: string }).secret);
    const chosen = await setConfig(instanceId, { url: receiver.url, secret: 'the-shared-secret' });
    expect(chosen.body.data).toEqual({ instanceId, webhookUrl: receiver.url, secret: 'the-shared-secret' });
  });
});

describe('delivery of incoming_message', () => {
  it('POSTs the single-level frame, signed with X-SUDEVWA-Signature over the raw body', async () => {
    const messageId = await gw.sandbox.sendText(FRANK, ERIN, 'hello webhook');
    const [hook] = await receiver.waitFor(forMessage(messageId));
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['x-sudevwa-signature']).toBe(sign('the-shared-secret', hook!.raw));
    expect(hook!.json).toEqual({
      event: 'incoming_message',
      timestamp: expect.stringMatching(RFC3339),
      data: {
        instance_id: instanceId,
        from: `${FRANK}@s.whatsapp.net`,
        from_me: false,
        message: 'hello webhook',
        timestamp: expect.any(Number),
        is_group: false,
        message_id: messageId,
        push_name: 'Frank',
      },
    });
  });

  it('retries after 500s with the same signed body until the receiver takes it', async () => {
    receiver.answers = [500, 500];
    const messageId = await gw.sandbox.sendText(FRANK, ERIN, 'flaky receiver');
    const hooks = await receiver.waitFor(forMessage(messageId), 3);
    expect(hooks.map((h) => h.status)).toEqual([500, 500, 200]);
    for (const h of hooks) {
      expect(h.raw.equals(hooks[0]!.raw)).toBe(true);
      expect(h.headers['x-sudevwa-signature']).toBe(sign('the-shared-secret', h.raw));
    }
    // Delivered: the row left the outbox, so nothing can send it again.
    await expect.poll(outboxDepth, { timeout: 15_000 }).toBe(0);
    expect(receiver.received.filter(forMessage(messageId))).toHaveLength(3);
  });

  it('does not retry an answer that says the request itself is wrong (404)', async () => {
    receiver.answers = [404];
    const messageId = await gw.sandbox.sendText(FRANK, ERIN, 'wrong path');
    await receiver.waitFor(forMessage(messageId));
    // Not retried: the attempt counts as failed and the row left the outbox.
    await expect.poll(() => attempts('failed'), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(outboxDepth, { timeout: 15_000 }).toBe(0);
    expect(receiver.received.filter(forMessage(messageId)).map((h) => h.status)).toEqual([404]);
  });

  it('sends at most WEBHOOK_CONCURRENCY_PER_TARGET requests at once to one receiver, and all arrive', async () => {
    // Long enough that deliveries overlap even when a loaded box lets the messages in slowly.
    receiver.delayMs = 2_000;
    receiver.maxInFlight = 0;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await gw.sandbox.sendText(FRANK, ERIN, `burst ${i}`));
      await receiver.waitFor((h) => ids.includes(h.json.data.message_id as string), 5);
      expect(receiver.maxInFlight).toBe(2);
    } finally {
      receiver.delayMs = 0;
    }
  });

  it('loses nothing across a gateway restart: an undelivered message is sent by the next run', async () => {
    receiver.defaultStatus = 503;
    const messageId = await gw.sandbox.sendText(FRANK, ERIN, 'survives a restart');
    await receiver.waitFor(forMessage(messageId));
    await gw.stop();

    // At rest: the queued body and the secret are encrypted, not readable in a database dump.
    const orm = await initOrm(storage.database, { logger: () => {} });
    try {
      const rows = (await orm.em.getConnection().execute('select body from webhook_delivery')) as Array<{ body: Uint8Array }>;
      expect(rows).toHaveLength(1);
      expect(Buffer.from(rows[0]!.body).includes('survives a restart')).toBe(false);
      const configs = (await orm.em.getConnection().execute('select secret from webhook_config')) as Array<{ secret: Uint8Array }>;
      expect(Buffer.from(configs[0]!.secret).includes('the-shared-secret')).toBe(false);
    } finally {
      await orm.close();
    }

    receiver.defaultStatus = 200;
    gw = await startTestGateway({ storage, env: ENV });
    const hooks = await receiver.waitFor((h) => forMessage(messageId)(h) && h.status === 200);
    expect(hooks[0]!.headers['x-sudevwa-signature']).toBe(sign('the-shared-secret', hooks[0]!.raw));
  });
});

describe('private addresses', () => {
  it('without WEBHOOK_ALLOW_PRIVATE_URLS, loopback URLs are refused at setconfig and at delivery', async () => {
    await gw.stop();
    gw = await startTestGateway({ storage, env: { ...ENV, WEBHOOK_ALLOW_PRIVATE_URLS: 'false' } });
    await gw.waitForStatus(instanceId, 'ONLINE');
    for (const url of [receiver.url, 'http://localhost:1/hook', 'http://10.1.2.3/hook', 'http://[::1]:8080/hook']) {
      expect(await setConfig(instanceId, { url })).toMatchObject({ status: 400, body: { success: false, error: { code: 'INVALID_URL' } } });
    }
    // The stored config still points at loopback: the message is not sent there.
    const before = receiver.received.length;
    const received = await gw.ws.subscribe(MessageReceivedDocument, { instanceId });
    const messageId = await gw.sandbox.sendText(FRANK, ERIN, 'must not leave');
    await received.next((d) => d.messageReceived.id === messageId);
    received.close();
    // The one attempt was refused at the address check (failed, not retried) and left the outbox.
    await expect.poll(() => attempts('failed'), { timeout: 15_000 }).toBe(1);
    await expect.poll(outboxDepth, { timeout: 15_000 }).toBe(0);
    expect(receiver.received.length).toBe(before);
  });
});
