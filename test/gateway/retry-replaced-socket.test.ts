import { describe, expect, it } from 'vitest';
import { InstanceStatusDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// A socket that is still catching up after a login holds Baileys' events back, its upsert of our
// own send among them; when that socket is replaced first, the upsert never comes. A phone's retry
// receipt for the message, redelivered at the next login, must still be answered with the message
// that was sent: the session keeps what Baileys returned from the send (commit 79a0e59), and does
// not depend on that event (Baileys' own recent-message cache died with the socket).
const OWNER = '15550330001';
const CUSTOMER = '15550330002';

const linked = useLinkedGateway({ instance: 'retry-replaced', owner: OWNER, customer: CUSTOMER });

describe('a retry receipt for a message sent on a socket replaced before its upsert', () => {
  it('is answered with the message that was sent, secret and all', async () => {
    const { gw, id: instanceId } = linked;
    const sandbox = gw.sandbox;
    const send = async (text: string) => (await gw.http.ok(SendTextDocument, { input: { instanceId, to: CUSTOMER, text } })).sendText.messageId;
    const warmUp = await send('a session first');
    await sandbox.waitForMessage(CUSTOMER, (m) => m.id === warmUp);
    const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId });

    // The next login catches up slowly: ONLINE, but Baileys holds its events back meanwhile.
    await sandbox.fault({ kind: 'slow-catch-up', phoneNumber: OWNER, seconds: 600 });
    await sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 10_000, 'RECONNECTING after the drop');
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 15_000, 'ONLINE, still catching up');
    const id = await send('sent while catching up');
    const first = await sandbox.waitForMessage(CUSTOMER, (m) => m.id === id);
    const secret = first.content.messageContextInfo.messageSecret;
    expect(secret).toBeTruthy();

    // That socket is gone before it caught up; the phone's retry receipt waits at the server.
    await sandbox.fault({ kind: 'refuse-logins', seconds: 600 });
    await sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 10_000, 'RECONNECTING after the second drop');
    await sandbox.askAgain(CUSTOMER, id);
    expect((await sandbox.messages(CUSTOMER)).some((m) => m.id === id)).toBe(false);
    await sandbox.fault({ kind: 'clear' });

    const again = await sandbox.waitForMessage(CUSTOMER, (m) => m.id === id, 30_000);
    expect(again).toMatchObject({ from: OWNER, text: 'sent while catching up' });
    // The message itself, not one rebuilt from the ledger (which would carry a new secret).
    expect(again.content.messageContextInfo.messageSecret).toBe(secret);
    status.close();
  });
});
