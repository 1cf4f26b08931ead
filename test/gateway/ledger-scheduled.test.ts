import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelMessageDocument, MessageDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { eventually } from '../helpers/rest-client.ts';

// Scheduled sends (`sendAt`): SCHEDULED until their time, kept in the ledger across a restart,
// cancellable until they go; cancelMessage refuses what already went.
const OWNER = '15550490001';
const CUSTOMER = '15550490002';

let first: TestGateway;
let gw: TestGateway;
let id: string;

beforeAll(async () => {
  first = await startTestGateway();
  gw = first;
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(CUSTOMER, 'Customer');
  id = await gw.linkInstance('scheduled', OWNER);
});
afterAll(async () => {
  await gw?.stop();
  await first?.close();
});

const send = async (text: string, sendAt?: Date) => (await gw.http.ok(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text, ...(sendAt ? { sendAt: sendAt.toISOString() } : {}) } })).sendText;
const statusAt = (m: { statusHistory: Array<{ status: string; at: string }> }, status: string) => Date.parse(m.statusHistory.find((s) => s.status === status)!.at);

describe('scheduled sends', () => {
  it('cancelMessage cancels a SCHEDULED send (never sent) and refuses one that went or does not exist', async () => {
    const later = await send('next week', new Date(Date.now() + 7 * 86_400_000));
    expect(later.message.status).toBe('SCHEDULED');
    const { cancelMessage } = await gw.http.ok(CancelMessageDocument, { instanceId: id, id: later.messageId });
    expect(cancelMessage).toMatchObject({ id: later.messageId, status: 'CANCELLED' });
    expect(cancelMessage.statusHistory.map((s) => s.status)).toEqual(['SCHEDULED', 'CANCELLED']);
    const again = await gw.http.request(CancelMessageDocument, { instanceId: id, id: later.messageId });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: 'CANCELLED' });

    const now = await send('right away');
    expect(now.message.status).toBe('SENT');
    const late = await gw.http.request(CancelMessageDocument, { instanceId: id, id: now.messageId });
    // SENT, or already DELIVERED: the recipient's receipt may come before the cancel does.
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', status: expect.stringMatching(/^(SENT|DELIVERED)$/) });
    const unknown = await gw.http.request(CancelMessageDocument, { instanceId: id, id: 'NO-SUCH-MESSAGE' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('MESSAGE_NOT_FOUND');

    const tooFar = await gw.http.request(SendTextStoredDocument, { input: { instanceId: id, to: CUSTOMER, text: 'x', sendAt: new Date(Date.now() + 400 * 86_400_000).toISOString() } });
    expect(tooFar.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sendAt' });
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === now.messageId);
    expect((await gw.sandbox.messages(CUSTOMER)).some((m) => m.id === later.messageId)).toBe(false);
  });

  it('a send scheduled before a restart goes out after it, at its time, once', async () => {
    // Far enough ahead that the gateway is surely stopped before it is due (checked below).
    const sendAt = new Date(Date.now() + 20_000);
    const scheduled = await send('after the restart', sendAt);
    expect(scheduled.message.status).toBe('SCHEDULED');
    await gw.stop();
    expect(Date.now(), 'the first gateway stopped before the send was due').toBeLessThan(sendAt.getTime());
    gw = await startTestGateway({ storage: first.storage });
    await gw.waitForStatus(id, 'ONLINE', 30_000);
    const sent = await eventually(async () => {
      const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: scheduled.messageId });
      return message && ['SENT', 'DELIVERED', 'READ'].includes(message.status) ? message : undefined;
    }, 'the scheduled send SENT', 90_000);
    // Queued at its time (by the restarted gateway: the first had stopped before then), then sent.
    expect(statusAt(sent, 'QUEUED')).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(sent.statusHistory.map((s) => s.status).slice(0, 4)).toEqual(['SCHEDULED', 'QUEUED', 'SENDING', 'SENT']);
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === scheduled.messageId);
    expect((await gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === scheduled.messageId)).toHaveLength(1);
  }, 180_000);
});
