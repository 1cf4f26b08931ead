import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatsDocument, KindReceivedDocument, MarkReadDocument, SendTextDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { eventually } from '../helpers/rest-client.ts';

// The chat list read from the ledger: real Baileys against the sandbox, real database.
const OWNER = '15550490001';
const ANA = '15550490002';
const BO = '15550490003';
const jidOf = (phone: string) => `${phone}@s.whatsapp.net`;

let gw: TestGateway;
let id: string;
let group: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Desk');
  await gw.sandbox.createPhone(ANA, 'Ana');
  await gw.sandbox.createPhone(BO, 'Bo');
  id = await gw.linkInstance('chats', OWNER);
  group = (await gw.sandbox.createGroup({ subject: 'Team lunch', owner: OWNER, participants: [ANA, BO] })).jid;
});
afterAll(() => gw?.close());

/** Messages from phones, once the gateway stored each (in this order). */
async function fromPhones(...sends: Array<[from: string, to: string, text: string]>): Promise<string[]> {
  const sub = await gw.ws.subscribe(KindReceivedDocument, { instanceId: id });
  try {
    const ids: string[] = [];
    for (const [from, to, text] of sends) {
      const messageId = await gw.sandbox.sendText(from, to, text);
      await sub.next((d) => d.messageReceived.id === messageId);
      ids.push(messageId);
    }
    return ids;
  } finally {
    sub.close();
  }
}

const chats = async (vars: { first?: number; after?: string; last?: number; before?: string } = {}) => (await gw.http.ok(ChatsDocument, { instanceId: id, ...vars })).chats;

describe('chats', () => {
  it('one chat per person or group, newest activity first, with the last message, unread count and name; markRead clears the count', async () => {
    await fromPhones([ANA, OWNER, 'hello'], [ANA, OWNER, 'anyone there?'], [ANA, group, 'pizza?'], [BO, OWNER, 'hi from Bo']);
    const reply = (await gw.http.ok(SendTextDocument, { input: { instanceId: id, to: ANA, text: 'yes, here' } })).sendText.messageId;
    // Contacts are stored beside the messages (not before their receipt): their names follow.
    await eventually(async () => (await chats()).edges.find((e) => e.node.jid === jidOf(BO))?.node.name === 'Bo', "Bo's name from the contact store");

    const list = await chats();
    expect(list.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ jid: jidOf(ANA), isGroup: false, name: 'Ana', unreadCount: 2, lastMessage: expect.objectContaining({ id: reply, direction: 'OUTBOUND', text: 'yes, here' }) }),
      expect.objectContaining({ jid: jidOf(BO), isGroup: false, name: 'Bo', unreadCount: 1, lastMessage: expect.objectContaining({ text: 'hi from Bo' }) }),
      expect.objectContaining({ jid: group, isGroup: true, name: 'Team lunch', unreadCount: 1, lastMessage: expect.objectContaining({ text: 'pizza?', fromMe: false }) }),
    ]);
    const ana = list.edges[0]!.node;
    expect(ana).toMatchObject({ archived: null, mutedUntil: null, lastActivityAt: ana.lastMessage.timestamp });
    expect(list.edges[0]!.cursor).toBe(ana.lastMessage.cursor);

    expect((await gw.http.ok(MarkReadDocument, { instanceId: id, chatJid: jidOf(ANA) })).markRead).toBe(true);
    expect((await chats()).edges.map((e) => [e.node.jid, e.node.unreadCount])).toEqual([
      [jidOf(ANA), 0],
      [jidOf(BO), 1],
      [group, 1],
    ]);
    // A new message moves its chat to the top.
    const [late] = await fromPhones([ANA, group, 'or sushi?']);
    const top = (await chats({ first: 1 })).edges[0]!.node;
    expect(top).toMatchObject({ jid: group, unreadCount: 2, lastMessage: { id: late } });
  });

  it('pages with stable cursors both ways', async () => {
    const all = (await chats()).edges.map((e) => e.node.jid);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await chats({ first: 1 });
    expect(first.pageInfo).toMatchObject({ hasNextPage: true });
    const rest = await chats({ first: 10, after: first.pageInfo.endCursor! });
    expect([...first.edges, ...rest.edges].map((e) => e.node.jid)).toEqual(all);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    // From the other end: the oldest activity last.
    const oldest = await chats({ last: 1 });
    expect(oldest.edges.map((e) => e.node.jid)).toEqual([all.at(-1)]);
    const above = await chats({ last: 10, before: oldest.pageInfo.startCursor! });
    expect(above.edges.map((e) => e.node.jid)).toEqual(all.slice(0, -1));
  });

  it('refuses a cursor it did not issue and an unknown instance', async () => {
    expect((await gw.http.fail(ChatsDocument, { instanceId: id, after: "1' or 1=1" })).extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'after' });
    expect((await gw.http.fail(ChatsDocument, { instanceId: '00000000-0000-4000-8000-000000000000' })).extensions).toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });
});
