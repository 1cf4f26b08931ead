import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatusDocument, SendMediaDocument, SendPollDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { serveFiles, type FileServer } from '../helpers/file-server.ts';
import { useLinkedGateway } from '../helpers/linked-gateway.ts';

// A phone that lost a message asks the sending device for it again (a retry receipt), and Baileys
// answers by re-encrypting what `getMessage` returns. The session remembers its sends in memory
// only: a retry receipt that reaches a restarted gateway is answered from the ledger, or the
// message is lost at the phone.
const OWNER = '15550320001';
const CUSTOMER = '15550320002';

const linked = useLinkedGateway({ instance: 'retries', owner: OWNER, customer: CUSTOMER, env: { MEDIA_ALLOW_PRIVATE_URLS: 'true' } });
let files: FileServer;
beforeAll(async () => {
  files = await serveFiles();
});
afterAll(async () => {
  await files?.close();
});

describe('a retry receipt after a restart', () => {
  it('waits at the server while the gateway is away and is answered with the message sent before the restart: a text, a poll with its secret, a document', async () => {
    const { gw, id: instanceId } = linked;
    const text = (await gw.http.ok(SendTextDocument, { input: { instanceId, to: CUSTOMER, text: 'sent before the restart' } })).sendText.messageId;
    const poll = (await gw.http.ok(SendPollDocument, { input: { instanceId, to: CUSTOMER, question: 'Open on Sunday?', options: ['Yes', 'No'] } })).sendPoll.messageId;
    const doc = Buffer.from('a document sent before the restart\n');
    files.files.set('/notes.txt', { body: doc, type: 'text/plain' });
    const media = (await gw.http.ok(SendMediaDocument, { input: { instanceId, to: CUSTOMER, kind: 'DOCUMENT', url: `${files.url}/notes.txt`, fileName: 'notes.txt', mimeType: 'text/plain' } })).sendMedia.messageId;
    const ids = [text, poll, media];
    const first = await Promise.all(ids.map((id) => gw.sandbox.waitForMessage(CUSTOMER, (m) => m.id === id)));
    const secret = first[1]!.content.messageContextInfo.messageSecret;
    expect(secret).toBeTruthy();

    await linked.restart();
    const status = await linked.gw.ws.subscribe(InstanceStatusDocument, { instanceId });
    await status.next((d) => d.instanceStatus.status === 'ONLINE', 15_000, 'ONLINE after the restart');
    // Away again (logins refused, the connection cut), so the phone's retry receipts wait at the
    // server and come in the login's offline backlog.
    const sandbox = linked.gw.sandbox;
    await sandbox.fault({ kind: 'refuse-logins', seconds: 600 });
    await sandbox.fault({ kind: 'drop', phoneNumber: OWNER });
    await status.next((d) => d.instanceStatus.status === 'RECONNECTING', 10_000, 'RECONNECTING after the drop');
    for (const id of ids) await sandbox.askAgain(CUSTOMER, id);
    expect((await sandbox.messages(CUSTOMER)).filter((m) => ids.includes(m.id))).toEqual([]);
    await sandbox.fault({ kind: 'clear' });

    const [gotText, gotPoll, gotDoc] = await Promise.all(ids.map((id) => sandbox.waitForMessage(CUSTOMER, (m) => m.id === id, 30_000)));
    expect(gotText).toMatchObject({ from: OWNER, text: 'sent before the restart' });
    // The same poll: votes are encrypted with its secret, so a new one would lose them.
    expect(gotPoll!.content.pollCreationMessageV3).toMatchObject({ name: 'Open on Sunday?' });
    expect(gotPoll!.content.messageContextInfo.messageSecret).toBe(secret);
    // The same file, from the reference kept at the send: nothing uploaded again.
    expect(gotDoc!.content.documentMessage).toMatchObject({ fileName: 'notes.txt' });
    expect((await sandbox.downloadMedia(CUSTOMER, media)).bytes.equals(doc)).toBe(true);
    // Once each: a message sent again is the same message.
    const inbox = (await sandbox.messages(CUSTOMER)).map((m) => m.id);
    for (const id of ids) expect(inbox.filter((m) => m === id)).toHaveLength(1);
    status.close();
  });
});
