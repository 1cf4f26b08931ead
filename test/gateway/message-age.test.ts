import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageDocument, EditMessageDocument, KindMessageDocument, KindReceivedDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { initOrm } from '../../src/db/orm.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// WhatsApp's windows for changing a sent message, end to end through GraphQL: edits within 15
// minutes, deletes for everyone within 60 hours. The stored rows are aged in the real database while
// the gateway is stopped (time passing is what a clock would do; nothing of ours is mocked), then the
// gateway comes back on the same storage and answers from its ledger.
const OWNER = '15550500001';
const ANA = '15550500002';

let gw: TestGateway;
let id: string;
let twentyMinutes: string;
let threeDays: string;
let theirs: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Desk');
  await gw.sandbox.createPhone(ANA, 'Ana');
  id = await gw.linkInstance('message-age', OWNER);
  const send = async (text: string) => (await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: ANA, text } })).sendText.messageId;
  twentyMinutes = await send('sent twenty minutes ago');
  threeDays = await send('sent three days ago');
  const sub = await gw.ws.subscribe(KindReceivedDocument, { instanceId: id });
  theirs = await gw.sandbox.sendText(ANA, OWNER, 'written by Ana');
  await sub.next((d) => d.messageReceived.id === theirs);
  sub.close();

  const { storage } = gw;
  await gw.stop();
  const orm = await initOrm(storage.database, { logger: () => {} });
  try {
    const db = orm.em.getConnection();
    await db.execute("update message set wa_timestamp = now() - interval '20 minutes' where instance_id = ? and wa_id = ?", [id, twentyMinutes]);
    await db.execute("update message set wa_timestamp = now() - interval '3 days' where instance_id = ? and wa_id = ?", [id, threeDays]);
  } finally {
    await orm.close();
  }
  gw = await startTestGateway({ storage });
  await gw.waitForStatus(id, 'ONLINE');
});
afterAll(() => gw?.close());

const failure = async (p: Promise<{ extensions?: Record<string, unknown> }>) => (await p).extensions;

describe('changing a message past WhatsApp\'s windows', () => {
  it('an edit after 15 minutes answers MESSAGE_TOO_OLD; a delete for everyone is still allowed then', async () => {
    expect(await failure(gw.http.fail(EditMessageDocument, { input: { instanceId: id, messageId: twentyMinutes, text: 'too late' } }))).toMatchObject({ code: 'MESSAGE_TOO_OLD', messageId: twentyMinutes });
    const deleted = (await gw.http.ok(DeleteMessageDocument, { input: { instanceId: id, messageId: twentyMinutes } })).deleteMessage;
    expect(deleted.message).toMatchObject({ type: 'REVOKE', status: 'SENT' });
    const got = await gw.sandbox.waitForMessage(ANA, (m) => m.id === deleted.messageId);
    expect(got.content.protocolMessage).toMatchObject({ type: 'REVOKE', key: { id: twentyMinutes } });
  });

  it('a delete for everyone after 60 hours answers MESSAGE_TOO_OLD and nothing reaches the phone; deleting it here only still works', async () => {
    expect(await failure(gw.http.fail(DeleteMessageDocument, { input: { instanceId: id, messageId: threeDays, forEveryone: true } }))).toMatchObject({ code: 'MESSAGE_TOO_OLD', messageId: threeDays });
    expect(await failure(gw.http.fail(EditMessageDocument, { input: { instanceId: id, messageId: threeDays, text: 'way too late' } }))).toMatchObject({ code: 'MESSAGE_TOO_OLD' });
    expect((await gw.sandbox.messages(ANA)).filter((m) => m.content.protocolMessage?.key?.id === threeDays)).toEqual([]);
    const local = (await gw.http.ok(DeleteMessageDocument, { input: { instanceId: id, messageId: threeDays, forEveryone: false } })).deleteMessage;
    expect(local.message).toMatchObject({ id: threeDays, deleted: true });
    expect((await gw.http.ok(KindMessageDocument, { instanceId: id, id: threeDays })).message).toMatchObject({ deleted: true, text: 'sent three days ago' });
  });

  it("someone else's message: NOT_MESSAGE_AUTHOR for an edit and a delete for everyone", async () => {
    expect(await failure(gw.http.fail(EditMessageDocument, { input: { instanceId: id, messageId: theirs, text: 'changed' } }))).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR', messageId: theirs });
    expect(await failure(gw.http.fail(DeleteMessageDocument, { input: { instanceId: id, messageId: theirs, forEveryone: true } }))).toMatchObject({ code: 'NOT_MESSAGE_AUTHOR' });
  });
});
