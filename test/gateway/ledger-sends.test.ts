import { describe, expect, it } from 'vitest';
import { InstanceStatusDocument, MessageDocument, MessageStatusDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';
import { eventually } from '../helpers/rest-client.ts';

// Sends through the ledger's durable queue: statuses from WhatsApp, idempotency keys (at once,
// again later, across a restart), and sends accepted while the instance is reconnecting.
const OWNER = '15550430001';
const CUSTOMER = '15550430002';

const linked = useLinkedGateway({ instance: 'ledger-send', owner: OWNER, customer: CUSTOMER });

const send = (text: string, idempotencyKey?: string) =>
  linked.gw.http.ok(SendTextStoredDocument, { input: { instanceId: linked.id, to: CUSTOMER, text, ...(idempotencyKey ? { idempotencyKey } : {}) } });
const copiesAtPhone = async (messageId: string) => (await linked.gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === messageId).length;

describe('sends through the ledger', () => {
  it('stores each step of a send before reporting it: QUEUED, SENDING, SENT on the server ack', async () => {
    const statuses = await linked.gw.ws.subscribe(MessageStatusDocument, { instanceId: linked.id });
    const { sendText } = await send('status please');
    expect(sendText.message).toMatchObject({ id: sendText.messageId, direction: 'OUTBOUND', status: 'SENT', text: 'status please' });
    await statuses.next((d) => d.messageStatus.messageId === sendText.messageId && d.messageStatus.status === 'SENT');
    const seen = statuses.results.map((r) => r.data?.messageStatus).filter((e) => e?.messageId === sendText.messageId).map((e) => e!.status);
    expect(seen).toEqual(['QUEUED', 'SENDING', 'SENT']);
    const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: sendText.messageId });
    expect(message?.statusHistory.map((s) => s.status).slice(0, 3)).toEqual(['QUEUED', 'SENDING', 'SENT']);
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    statuses.close();
  });

  // Not reached yet: against the sandbox the gateway's socket emits no messages.update for the
  // phone's delivery and read receipts within the wait (see the ledger note in the README).
  it.todo('DELIVERED and READ from the phone\'s receipts reach messageStatus and message(...)');

  it('the same idempotency key at once and again later: one message at the phone, one id', async () => {
    const key = `order-${Date.now()}`;
    const [a, b] = await Promise.all([send('only once', key), send('only once', key)]);
    expect(b.sendText.messageId).toBe(a.sendText.messageId);
    const again = await send('only once', key);
    expect(again.sendText.messageId).toBe(a.sendText.messageId);
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === a.sendText.messageId);
    expect(await copiesAtPhone(a.sendText.messageId)).toBe(1);
  });

  it('accepts sends while RECONNECTING (QUEUED) and delivers them in order once back', async () => {
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    await linked.gw.sandbox.fault({ kind: 'refuse-logins', seconds: 60 });
    await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    const queued: Array<Awaited<ReturnType<typeof send>>['sendText']> = [];
    for (const text of ['queued 1', 'queued 2', 'queued 3']) queued.push((await send(text)).sendText);
    expect(queued.map((s) => s.message.status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
    await linked.gw.sandbox.fault({ kind: 'clear' });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 30_000, 'ONLINE again');
    const last = queued.at(-1)!.messageId;
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === last, 15_000);
    const inbox = (await linked.gw.sandbox.messages(CUSTOMER)).filter((m) => queued.some((q) => q.messageId === m.id));
    expect(inbox.map((m) => m.text)).toEqual(['queued 1', 'queued 2', 'queued 3']);
    const settled = await eventually(async () => {
      const { message } = await linked.gw.http.ok(MessageDocument, { instanceId: linked.id, id: last });
      return message && message.status !== 'QUEUED' && message.status !== 'SENDING' ? message : undefined;
    }, 'the queued send settled after the reconnect');
    expect(settled.statusHistory.map((s) => s.status)).toEqual(expect.arrayContaining(['QUEUED', 'SENDING', 'SENT']));
    status.close();
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
