import { describe, expect, it } from 'vitest';
import { InstanceStatusDocument, SendTextStoredDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// Sends under the fault benchmark's faults, one at a time: what the queue does when the socket dies
// at an awkward moment. Nothing is refused that the queue could take, nothing is lost or doubled.
const OWNER = '15550470001';
const CUSTOMER = '15550470002';

const linked = useLinkedGateway({ instance: 'fault-sends', owner: OWNER, customer: CUSTOMER });

describe('sends under faults', () => {
  // The recipient is checked on the socket before the row is written; when that socket dies under
  // the check, the instance is only RECONNECTING: the send is queued (the worker checks the
  // recipient at send time), as any send made while it reconnects, instead of INSTANCE_NOT_CONNECTED.
  it('a send whose socket dies under the recipient check is queued, not refused, and arrives once', async () => {
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    // A number the instance never looked up: the send asks WhatsApp's directory first.
    const newcomer = '15550470003';
    await linked.gw.sandbox.createPhone(newcomer, 'Newcomer');
    await linked.gw.sandbox.fault({ kind: 'drop-on-query', phoneNumber: OWNER });
    const { sendText } = await linked.gw.http.ok(SendTextStoredDocument, { input: { instanceId: linked.id, to: newcomer, text: 'checked twice' } });
    expect(sendText.messageId).toBeTruthy();
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING');
    await linked.gw.sandbox.waitForMessage(newcomer, (m) => m.id === sendText.messageId, 30_000);
    expect((await linked.gw.sandbox.messages(newcomer)).filter((m) => m.text === 'checked twice')).toHaveLength(1);
    status.close();
  }, 60_000);
});
