import { describe, expect, it } from 'vitest';
import { InstanceStatusDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// A phone that lost a message asks the sending device for it again (a retry receipt), and Baileys
// answers by re-encrypting what `getMessage` returns. The session remembers its sends in memory
// only: a retry receipt that reaches a restarted gateway is answered from the ledger, or the
// message is lost at the phone.
const OWNER = '15550320001';
const CUSTOMER = '15550320002';

const linked = useLinkedGateway({ instance: 'retries', owner: OWNER, customer: CUSTOMER });

describe('a retry receipt after a restart', () => {
  it('waits at the server while the gateway is away and is answered with the message sent before the restart', async () => {
    const text = 'sent before the restart';
    const { sendText } = await linked.gw.http.ok(SendTextDocument, { input: { instanceId: linked.id, to: CUSTOMER, text } });
    const id = sendText.messageId;
    await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === id);

    await linked.restart();
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId: linked.id });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 15_000, 'ONLINE after the restart');
    // Away again (logins refused, the connection cut), so the phone's retry receipt waits at the
    // server and comes in the login's offline backlog.
    await linked.gw.sandbox.fault({ kind: 'refuse-logins', seconds: 600 });
    await linked.gw.sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 10_000, 'RECONNECTING after the drop');
    await linked.gw.sandbox.askAgain(CUSTOMER, id);
    expect((await linked.gw.sandbox.messages(CUSTOMER)).map((m) => m.id)).not.toContain(id);
    await linked.gw.sandbox.fault({ kind: 'clear' });

    const again = await linked.gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === id, 30_000);
    expect(again).toMatchObject({ from: OWNER, text });
    // Once: the message sent again is the same message.
    expect((await linked.gw.sandbox.messages(CUSTOMER)).filter((m) => m.id === id)).toHaveLength(1);
    status.close();
  });
});
