import { describe, expect, it } from 'vitest';
import { MessageReceivedDocument, MessagesDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// MESSAGE_LEDGER=off (benchmarks only): what the gateway bench's "no ledger" subject measures really
// skips the ledger, and still sends and receives.
const OWNER = '15550470001';
const CUSTOMER = '15550470002';

const linked = useLinkedGateway({ instance: 'ledger-off', owner: OWNER, customer: CUSTOMER, env: { MESSAGE_LEDGER: 'off' } });

const stored = async () => (await linked.gw.http.ok(MessagesDocument, { instanceId: linked.id, first: 50 })).messages.edges;

describe('MESSAGE_LEDGER=off', () => {
  it('a send goes straight to the phone under the id it answered with, and nothing is stored', async () => {
    const { sendText } = await linked.gw.http.ok(SendTextStoredDocument, { input: { instanceId: linked.id, to: CUSTOMER, text: 'no ledger' } });
    expect(sendText.message).toMatchObject({ id: sendText.messageId, direction: 'OUTBOUND', status: 'SENDING', text: 'no ledger' });
    const atPhone = await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === sendText.messageId);
    expect(atPhone.text).toBe('no ledger');
    expect(await stored()).toEqual([]);
  });

  it('refuses what only the ledger can honour: idempotency keys and scheduled sends', async () => {
    const keyed = await linked.gw.http.request(SendTextStoredDocument, { input: { instanceId: linked.id, to: CUSTOMER, text: 'x', idempotencyKey: 'k1' } });
    expect(keyed.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const later = await linked.gw.http.request(SendTextStoredDocument, { input: { instanceId: linked.id, to: CUSTOMER, text: 'x', sendAt: new Date(Date.now() + 60_000).toISOString() } });
    expect(later.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('a received message is published without a cursor, and nothing is stored', async () => {
    const received = await linked.gw.ws.subscribe(MessageReceivedDocument, { instanceId: linked.id });
    const id = await linked.gw.sandbox.sendText(CUSTOMER, OWNER, 'hello unstored');
    const { messageReceived } = await received.next((d) => d.messageReceived.id === id);
    expect(messageReceived).toMatchObject({ text: 'hello unstored', cursor: '' });
    expect(await stored()).toEqual([]);
    received.close();
  });
});
