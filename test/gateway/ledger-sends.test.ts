import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatusDocument, MessageDocument, MessageStatusDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// Sends through the ledger's durable queue: statuses from WhatsApp, idempotency keys (at once,
// again later, across a restart), and sends accepted while the instance is reconnecting.
const OWNER = '15550430001';
const CUSTOMER = '15550430002';

let first: TestGateway;
let gw: TestGateway;
let id: string;

beforeAll(async () => {
  first = await startTestGateway();
  gw = first;
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('ledger-send', OWNER);
});
afterAll(async () => {
  await gw?.stop();
  await first?.close();
});

const send = (text: string, idempotencyKey?: string) =>
  gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text, ...(idempotencyKey ? { idempotencyKey } : {}) } });
const copiesAtPhone = async (messageId: string) => (await gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === messageId).length;

describe('sends through the ledger', () => {
  it('stores each step of a send before reporting it: QUEUED, SENDING, SENT on the server ack', async () => {
    const statuses = await gw.ws.subscribe(MessageStatusDocument, { instanceId: id });
    const { sendText } = await send('status please');
    expect(sendText.message).toMatchObject({ id: sendText.messageId, direction: 'OUTBOUND', status: 'SENT', text: 'status please' });
    await statuses.next((d) => d.messageStatus.messageId === sendText.messageId && d.messageStatus.status === 'SENT');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === sendText.messageId).map((e) => e!.status);
    expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT']);
    const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: sendText.messageId });
    expect(message?.statusHistory.map((s) => s.status).slice(0, 3)).toEqual(['QUEUED', 'SENDING', 'SENT']);
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    statuses.close();
  });

  it('DELIVERED and READ from the phone\'s receipts reach messageStatus and message(...)', async () => {
    const statuses = await gw.ws.subscribe(MessageStatusDocument, { instanceId: id });
    const { sendText } = await send('read me');
    const mine = (status: string) => (d: { messageStatus: { messageId: string; status: string } }) => d.messageStatus.messageId === sendText.messageId && d.messageStatus.status === status;
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    await statuses.next(mine('DELIVERED'), 15_000, 'DELIVERED from the phone');
    expect((await gw.http.ok(MessageDocument, { instanceId: id, id: sendText.messageId })).message?.status).toBe('DELIVERED');
    expect(await gw.sandbox.read(CUSTOMER, [sendText.messageId])).toEqual({ read: 1 });
    await statuses.next(mine('READ'), 15_000, 'READ from the phone');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === sendText.messageId).map((e) => e!.status);
    expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
    const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: sendText.messageId });
    expect(message?.status).toBe('READ');
    expect(message?.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
    statuses.close();
  });

  it('the same idempotency key at once and again later: one message at the phone, one id', async () => {
    const key = `order-${Date.now()}`;
    const [a, b] = await Promise.all([send('only once', key), send('only once', key)]);
    expect(b.sendText.messageId).toBe(a.sendText.messageId);
    const again = await send('only once', key);
    expect(again.sendText.messageId).toBe(a.sendText.messageId);
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === a.sendText.messageId);
    expect(await copiesAtPhone(a.sendText.messageId)).toBe(1);
  });

  it('accepts sends while RECONNECTING (QUEUED), delivers them in order once back; the phone reads them: SENT, DELIVERED, READ', async () => {
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: id });
    const statuses = await gw.ws.subscribe(MessageStatusDocument, { instanceId: id });
    await gw.sandbox.fault({ kind: 'refuse-logins', seconds: 60 });
    await gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    const queued: Array<Awaited<ReturnType<typeof send>>['sendText']> = [];
    for (const text of ['queued 1', 'queued 2', 'queued 3']) queued.push((await send(text)).sendText);
    expect(queued.map((s) => s.message.status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
    await gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE again');
    const last = queued.at(-1)!.messageId;
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === last, 15_000);
    const inbox = (await gw.sandbox.messages(CUSTOMER)).filter((m) => queued.some((q) => q.messageId === m.id));
    expect(inbox.map((m) => m.text)).toEqual(['queued 1', 'queued 2', 'queued 3']);
    // The phone got them (DELIVERED), then its user reads them: READ, stored, then published.
    const ids = queued.map((q) => q.messageId);
    const reached = async (want: string) => {
      for (const messageId of ids) await statuses.next((d) => d.messageStatus.messageId === messageId && d.messageStatus.status === want, 15_000, `${want} of ${messageId}`);
    };
    await reached('DELIVERED');
    expect(await gw.sandbox.read(CUSTOMER, ids)).toEqual({ read: 3 });
    await reached('READ');
    for (const messageId of ids) {
      const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === messageId).map((e) => e!.status);
      expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
      const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: messageId });
      expect(message?.status).toBe('READ');
      expect(message?.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
    }
    statuses.close();
    status.close();
  }, 120_000);

  it('the same idempotency key after a gateway restart returns the first message and sends nothing', async () => {
    const key = `restart-${Date.now()}`;
    const before = await send('across a restart', key);
    await gw.stop();
    gw = await startTestGateway({ storage: first.storage });
    await gw.waitForStatus(id, 'ONLINE', 30_000);
    const after = await send('across a restart', key);
    expect(after.sendText.messageId).toBe(before.sendText.messageId);
    expect(after.sendText.message.status).not.toBe('QUEUED');
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === before.sendText.messageId);
    expect(await copiesAtPhone(before.sendText.messageId)).toBe(1);
  }, 120_000);
});
