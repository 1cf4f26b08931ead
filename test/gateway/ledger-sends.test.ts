import { describe, expect, it } from 'vitest';
import { CancelMessageDocument, InstanceStatusDocument, MessageDocument, MessageStatusDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// Sends through the ledger's durable queue: statuses from WhatsApp, idempotency keys (at once,
// again later, across a restart), and sends accepted while the instance is reconnecting.
const OWNER = '15550430001';
const CUSTOMER = '15550430002';

const linked = useLinkedGateway({ instance: 'ledger-send', owner: OWNER, customer: CUSTOMER });

const send = (text: string, idempotencyKey?: string) =>
  linked.gw.http.ok(SendTextStoredDocument, { input: { instanceId: linked.id, to: CUSTOMER, text, ...(idempotencyKey ? { idempotencyKey } : {}) } });
const copiesAtPhone = async (messageId: string) => (await linked.gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === messageId).length;

/** Cuts the instance's connection with logins refused for 60 s; resolves RECONNECTING, with its status and message status subscriptions. */
async function takeAway() {
  const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
  const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
  await linked.gw.sandbox.fault({ kind: 'refuse-logins', seconds: 60 });
  await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
  await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
  return { status, statuses };
}

/**
 * Sends `texts` while the instance is away. Each call waits up to SEND_WAIT_MS for SENT, so they are
 * not awaited one by one: the next goes once the previous one is stored QUEUED, which fixes their
 * order without sitting out each wait.
 */
async function queueInOrder(statuses: Awaited<ReturnType<typeof takeAway>>['statuses'], texts: string[]) {
  const calls: Array<ReturnType<typeof send>> = [];
  const ids: string[] = [];
  for (const text of texts) {
    calls.push(send(text));
    ids.push((await statuses.next((d) => d.messageStatus.message.text === text && d.messageStatus.status === 'QUEUED', undefined, `${text} QUEUED`)).messageStatus.messageId);
  }
  return { calls, ids };
}

describe('sends through the ledger', () => {
  it('stores each step of a send before reporting it: QUEUED, SENDING, SENT on the server ack', async () => {
    const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
    const { sendText } = await send('status please');
    expect(sendText.message).toMatchObject({ id: sendText.messageId, direction: 'OUTBOUND', status: 'SENT', text: 'status please' });
    await statuses.next((d) => d.messageStatus.messageId === sendText.messageId && d.messageStatus.status === 'SENT');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === sendText.messageId).map((e) => e!.status);
    // The phone's DELIVERED may already be in by now: the steps up to SENT come first, in order.
    expect(seen.slice(0, 3)).toEqual(['QUEUED', 'SENDING', 'SENT']);
    const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: sendText.messageId });
    expect(message?.statusHistory.map((s) => s.status).slice(0, 3)).toEqual(['QUEUED', 'SENDING', 'SENT']);
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    statuses.close();
  });

  it('DELIVERED and READ from the phone\'s receipts reach messageStatus and message(...)', async () => {
    const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
    const { sendText } = await send('read me');
    const mine = (status: string) => (d: { messageStatus: { messageId: string; status: string } }) => d.messageStatus.messageId === sendText.messageId && d.messageStatus.status === status;
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    await statuses.next(mine('DELIVERED'), 15_000, 'DELIVERED from the phone');
    expect((await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: sendText.messageId })).message?.status).toBe('DELIVERED');
    expect(await linked.gw.sandbox.read(CUSTOMER, [sendText.messageId])).toEqual({ read: 1 });
    await statuses.next(mine('READ'), 15_000, 'READ from the phone');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === sendText.messageId).map((e) => e!.status);
    expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
    const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: sendText.messageId });
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
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === a.sendText.messageId);
    expect(await copiesAtPhone(a.sendText.messageId)).toBe(1);
  });

  it('accepts sends while RECONNECTING (QUEUED), delivers them in order once back; the phone reads them: SENT, DELIVERED, READ', async () => {
    const { status, statuses } = await takeAway();
    const { calls, ids } = await queueInOrder(statuses, ['queued 1', 'queued 2', 'queued 3']);
    await linked.gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE again');
    expect((await Promise.all(calls)).map((r) => r.sendText.messageId)).toEqual(ids);
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === ids.at(-1), 15_000);
    const inbox = (await linked.gw.sandbox.messages(CUSTOMER)).filter((m) => ids.includes(m.id));
    expect(inbox.map((m) => m.text)).toEqual(['queued 1', 'queued 2', 'queued 3']);
    // The phone got them (DELIVERED), then its user reads them: READ, stored, then published.
    const reached = async (want: string) => {
      for (const messageId of ids) await statuses.next((d) => d.messageStatus.messageId === messageId && d.messageStatus.status === want, 15_000, `${want} of ${messageId}`);
    };
    await reached('DELIVERED');
    expect(await linked.gw.sandbox.read(CUSTOMER, ids)).toEqual({ read: 3 });
    await reached('READ');
    for (const messageId of ids) {
      const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === messageId).map((e) => e!.status);
      expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
      const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: messageId });
      expect(message?.status).toBe('READ');
      expect(message?.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ']);
    }
    statuses.close();
    status.close();
  }, 120_000);

  it('a QUEUED send cancelled while RECONNECTING is never sent: CANCELLED in messageStatus, message(...) and the waiting call', async () => {
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
    await linked.gw.sandbox.fault({ kind: 'refuse-logins', seconds: 60 });
    await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    const queued = async (text: string) => {
      const call = send(text);
      const { messageStatus } = await statuses.next((d) => d.messageStatus.message.text === text && d.messageStatus.status === 'QUEUED', undefined, `${text} QUEUED`);
      return { call, id: messageStatus.messageId };
    };
    const cancelled = await queued(`cancel me ${Date.now()}`);
    // Queued after it: once this one is at the phone, the queue has passed the cancelled one.
    const kept = await queued(`keep me ${Date.now()}`);
    const { cancelMessage } = await linked.gw.http.ok(CancelMessageDocument, { instanceId: linked.id, id: cancelled.id });
    expect(cancelMessage).toMatchObject({ id: cancelled.id, status: 'CANCELLED' });
    expect(cancelMessage.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'CANCELLED']);
    await statuses.next((d) => d.messageStatus.messageId === cancelled.id && d.messageStatus.status === 'CANCELLED', undefined, 'CANCELLED published');
    // The call that was waiting for SENT answers with the message as it ended.
    expect((await cancelled.call).sendText.message.status).toBe('CANCELLED');

    await linked.gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE again');
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === kept.id, 15_000);
    expect((await kept.call).sendText.messageId).toBe(kept.id);
    expect(await copiesAtPhone(cancelled.id)).toBe(0);
    const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: cancelled.id });
    expect(message?.status).toBe('CANCELLED');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === cancelled.id).map((e) => e!.status);
    expect(seen).toEqual(['QUEUED', 'CANCELLED']);
    statuses.close();
    status.close();
  }, 120_000);

  // The server took the message, but its ack died with the socket: the gateway cannot tell whether
  // WhatsApp has it. The row stays SENDING and, unless a receipt from the phone settles it first,
  // goes again on the next socket under the same id (the send queue); either way it ends settled
  // and the phone (as WhatsApp clients do) shows one message.
  it('a send whose server ack was lost with the socket ends settled after the reconnect and is shown once', async () => {
    const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    const text = `unacked ${Date.now()}`;
    // The recipient's number and devices are known first: a directory query would wait on the silence too.
    expect((await send('before the silence')).sendText.message.status).toBe('SENT');
    // WhatsApp goes silent on the open socket: it still takes what the gateway writes, and its ack waits.
    await linked.gw.sandbox.fault({ kind: 'delay', ms: 120_000 });
    const sending = send(text);
    const { messageStatus } = await statuses.next((d) => d.messageStatus.message.text === text && d.messageStatus.status === 'SENDING');
    const messageId = messageStatus.messageId;
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === messageId);
    // The socket dies with the ack still held; the next one is not slowed.
    await linked.gw.sandbox.fault({ kind: 'clear' });
    await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE again');
    const settled = ['SENT', 'DELIVERED', 'READ'];
    await statuses.next((d) => d.messageStatus.messageId === messageId && settled.includes(d.messageStatus.status), 30_000, 'the send settled after the reconnect');
    expect((await sending).sendText.messageId).toBe(messageId);
    expect(await copiesAtPhone(messageId)).toBe(1);
    statuses.close();
    status.close();
  }, 120_000);

  it('sends still QUEUED when the gateway stops go out after the restart, in order, once', async () => {
    const { status, statuses } = await takeAway();
    const { calls, ids } = await queueInOrder(statuses, ['stored 1', 'stored 2']);
    // Answered as stored once SEND_WAIT_MS is over: a call still open would hold the stop up.
    expect((await Promise.all(calls)).map((r) => r.sendText.message.status)).toEqual(['QUEUED', 'QUEUED']);
    statuses.close();
    status.close();
    // The new process has only the rows to go by: nothing kicks these queues but the instance coming online.
    const gw = await linked.restart();
    await gw.sandbox.fault({ kind: 'clear' });
    await gw.waitForStatus(linked.id, 'ONLINE', 30_000);
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === ids.at(-1), 30_000);
    const inbox = (await gw.sandbox.messages(CUSTOMER)).filter((m) => ids.includes(m.id));
    expect(inbox.map((m) => m.text)).toEqual(['stored 1', 'stored 2']);
  }, 120_000);

  it('the same idempotency key after a gateway restart returns the first message and sends nothing', async () => {
    const key = `restart-${Date.now()}`;
    const before = await send('across a restart', key);
    await linked.restart();
    await linked.gw.waitForStatus(linked.id, 'ONLINE', 30_000);
    const after = await send('across a restart', key);
    expect(after.sendText.messageId).toBe(before.sendText.messageId);
    expect(after.sendText.message.status).not.toBe('QUEUED');
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === before.sendText.messageId);
    expect(await copiesAtPhone(before.sendText.messageId)).toBe(1);
  }, 120_000);
});
