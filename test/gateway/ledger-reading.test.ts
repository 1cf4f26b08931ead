import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarkReadDocument, MessageDocument, MessageReceivedAfterDocument, MessageReceivedDocument, MessagesDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { eventually } from '../helpers/rest-client.ts';

// Reading the ledger: history as a Relay connection, resuming messageReceived after a cursor, read
// receipts. Real Baileys against the sandbox; one gateway for the file.
const OWNER = '15550420001';
const ALICE = '15550420002';
const BOB = '15550420003';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(OWNER, 'Owner');
  await gw.sandbox.createPhone(ALICE, 'Alice');
  await gw.sandbox.createPhone(BOB, 'Bob');
  id = await gw.linkInstance('ledger-read', OWNER);
});
afterAll(() => gw?.close());

/** Each phone sends `count` texts; resolves once all are stored (seen on messageReceived). */
async function phoneSends(from: string, count: number, prefix: string): Promise<string[]> {
  const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await gw.sandbox.sendText(from, OWNER, `${prefix} ${i}`));
  const pending = new Set(ids);
  while (pending.size) pending.delete((await sub.next((d) => pending.has(d.messageReceived.id))).messageReceived.id);
  sub.close();
  return ids;
}

describe('reading the ledger', () => {
  it('messageReceived(after:) replays exactly what was stored while the client was away, in order, then goes on live', async () => {
    const away = gw.wsAs(gw.adminToken);
    const first = await away.subscribe(MessageReceivedDocument, { instanceId: id });
    const seenId = await gw.sandbox.sendText(ALICE, OWNER, 'before the disconnect');
    const last = (await first.next((d) => d.messageReceived.id === seenId)).messageReceived;
    await away.dispose();

    const missed = await phoneSends(ALICE, 10, 'while away');
    const client = gw.wsAs(gw.adminToken);
    try {
      const resumed = await client.subscribe(MessageReceivedAfterDocument, { instanceId: id, after: last.cursor });
      const replayed = [];
      for (let i = 0; i < 10; i++) replayed.push((await resumed.next()).messageReceived);
      expect(new Set(replayed.map((m) => m.id))).toEqual(new Set(missed));
      const cursors = replayed.map((m) => BigInt(m.cursor));
      expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
      // The history agrees on the order.
      const { messages } = await gw.http.ok(MessagesDocument, { instanceId: id, first: 10, after: last.cursor });
      expect(messages.edges.map((e) => e.node.id)).toEqual(replayed.map((m) => m.id));

      const liveId = await gw.sandbox.sendText(ALICE, OWNER, 'live again');
      expect((await resumed.next()).messageReceived).toMatchObject({ id: liveId, text: 'live again' });
    } finally {
      await client.dispose();
    }
  });

  it('messages pages both ways with cursors, filtered by chat and direction', async () => {
    const bobIds = await phoneSends(BOB, 12, 'page');
    const page = (vars: { first?: number; after?: string | null; last?: number; before?: string | null }) =>
      gw.http.ok(MessagesDocument, { instanceId: id, chatJid: jid(BOB), direction: 'INBOUND', ...vars });

    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { messages } = await page({ first: 5, after });
      forward.push(...messages.edges.map((e) => e.node.id));
      if (!messages.pageInfo.hasNextPage) break;
      after = messages.pageInfo.endCursor!;
    }
    expect(new Set(forward)).toEqual(new Set(bobIds));
    expect(forward).toHaveLength(12);

    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const { messages } = await page({ last: 5, before });
      backward.unshift(...messages.edges.map((e) => e.node.id));
      if (!messages.pageInfo.hasPreviousPage) break;
      before = messages.pageInfo.startCursor!;
    }
    expect(backward).toEqual(forward);

    // Nothing of Alice's chat, and no outbound rows, in Bob's inbound history.
    const { messages: all } = await page({ first: 100 });
    expect(all.edges.every((e) => e.node.chatJid === jid(BOB) && e.node.direction === 'INBOUND' && e.node.status === 'RECEIVED')).toBe(true);
    const bad = await gw.http.request(MessagesDocument, { instanceId: id, first: 5, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    // Someone else's instance: refused by the instance rule, like every other field.
    const stranger = gw.http.as(await gw.createUserToken('ledger-stranger'));
    const denied = await stranger.request(MessagesDocument, { instanceId: id, first: 5 });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stranger.request(MessageDocument, { instanceId: id, id: bobIds[0]! })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('markRead sends read receipts and marks the stored messages READ', async () => {
    const [messageId] = await phoneSends(ALICE, 1, 'please read');
    expect((await gw.http.ok(MessageDocument, { instanceId: id, id: messageId! })).message?.status).toBe('RECEIVED');
    const { markRead } = await gw.http.ok(MarkReadDocument, { instanceId: id, chatJid: jid(ALICE), messageIds: [messageId!] });
    expect(markRead).toBe(true);
    const { message } = await gw.http.ok(MessageDocument, { instanceId: id, id: messageId! });
    expect(message?.status).toBe('READ');
    expect(message?.statusHistory.map((s) => s.status)).toEqual(['RECEIVED', 'READ']);
    await eventually(
      async () => (await gw.sandbox.receipts(ALICE)).some((r) => r.messageId === messageId && r.type === 'read' && r.fromDevice !== 0),
      'the read receipt at the phone',
    );
    // Again: nothing left unread.
    expect((await gw.http.ok(MarkReadDocument, { instanceId: id, chatJid: jid(ALICE), messageIds: [messageId!] })).markRead).toBe(false);
  });
});
