import { describe, expect, it } from 'vitest';
import { SendTextDocument } from '../graphql/generated/graphql.ts';
import { EVENT_WAIT_MS } from '../helpers/budget.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// Baileys answers a retry receipt by re-encrypting what `getMessage` returns, for whoever sent the
// receipt. A contact that learned an id (from a quote, a forward, a log) must not get the content
// of a message that went to someone else; the chat it went to gets it, by number or by LID.
const OWNER = '15550340001';
const CUSTOMER = '15550340002';
const STRANGER = '15550340003';

const linked = useLinkedGateway({ instance: 'retry-asker', owner: OWNER, customer: CUSTOMER });

describe('a retry receipt is answered only for the chat the message went to', () => {
  it('a stranger asking for a known id gets nothing; the recipient gets it, from its number or its LID', async () => {
    const { gw, id: instanceId } = linked;
    const sandbox = gw.sandbox;
    await sandbox.createPhone(STRANGER, 'Stranger');
    const owner = (await sandbox.devices(OWNER))[0]!;
    const device = { phoneNumber: OWNER, deviceId: owner.deviceId };
    const queued = async () => (await sandbox.devices(OWNER))[0]!.queued;
    // The stranger has a session with the instance, as any contact that ever wrote to it.
    await sandbox.sendText(STRANGER, OWNER, 'hello from a stranger');
    await expect.poll(queued, { timeout: EVENT_WAIT_MS }).toBe(0);
    const id = (await gw.http.ok(SendTextDocument, { input: { instanceId, to: CUSTOMER, text: 'for the customer only' } })).sendText.messageId;
    await sandbox.waitForMessage(CUSTOMER, (m) => m.id === id);

    for (const addressing of ['pn', 'lid'] as const) {
      await sandbox.askAgain(STRANGER, id, { device, addressing });
      // Baileys acks a retry receipt once it handled it (after any resend went out on the same socket).
      await expect.poll(queued, { timeout: EVENT_WAIT_MS }).toBe(0);
    }
    // The customer lost it and asks from its LID: the same chat, so it is answered.
    // askAgain drops the message from the phone's inbox before the receipt leaves, so what arrives
    // now is the copy sent again (it may be back before another look at the inbox could be made).
    await sandbox.askAgain(CUSTOMER, id, { addressing: 'lid' });
    const again = await sandbox.waitForMessage(CUSTOMER, (m) => m.id === id);
    expect(again.text).toBe('for the customer only');
    // The instance answered the customer after the stranger's receipts, on the same socket: had it
    // answered the stranger, that copy would have arrived first.
    expect((await sandbox.messages(STRANGER)).filter((m) => m.id === id)).toEqual([]);
  });
});
