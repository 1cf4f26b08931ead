import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encryptedCodec } from '../../src/db/auth-value.codec.ts';
import { ChatRepository } from '../../src/db/chat.repository.ts';
import { ContactRepository } from '../../src/db/contact.repository.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { MessageRepository, type NewMessage } from '../../src/db/message.repository.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';

let db: TestOrm;
let messages: MessageRepository;
let chats: ChatRepository;
const newInstance = async () => (await new InstanceRepository(db.orm).create({ name: `chats-${randomUUID().slice(0, 8)}` })).id;

beforeAll(async () => {
  db = await createTestOrm();
  messages = new MessageRepository(db.orm, encryptedCodec(randomBytes(32)));
  chats = new ChatRepository(db.orm);
});
afterAll(() => db?.close());

let n = 0;
const row = (instanceId: string, chatJid: string, over: Partial<NewMessage> = {}): NewMessage => ({
  instanceId,
  waId: `W${++n}`,
  direction: 'INBOUND',
  fromMe: false,
  chatJid,
  senderJid: chatJid,
  senderLid: null,
  senderPhone: null,
  kind: 'TEXT',
  content: { text: `m${n}` },
  quotedId: null,
  waTimestamp: new Date(),
  status: 'RECEIVED',
  ...over,
});
const jid = (i: number) => `1555010${String(i).padStart(4, '0')}@s.whatsapp.net`;

describe('ChatRepository', () => {
  test('one row per chat, newest activity first; unread counts received messages not read; changes and unsent sends are not a chat message', async () => {
    const id = await newInstance();
    const [a, b, g] = [jid(1), jid(2), '120363000000000001@g.us'];
    await messages.insertMany([row(id, a), row(id, a), row(id, b)]);
    const read = (await messages.insertMany([row(id, a)]))[0]!.record;
    await messages.advance(id, [read.waId], 'READ', new Date(), { direction: 'INBOUND' });
    // The account's own phone writes in g; a reaction in b comes after everything else.
    const own = (await messages.insertMany([row(id, g, { fromMe: true })]))[0]!.record;
    await messages.insertMany([row(id, b, { kind: 'REACTION' })]);
    await messages.insert(row(id, a, { direction: 'OUTBOUND', fromMe: true, status: 'SCHEDULED', waId: 'LATER' }));
    await new ContactRepository(db.orm).remember(id, [{ phoneNumber: a.split('@')[0]!, pushName: 'Ana' }]);

    const page = await chats.page({ instanceId: id, limit: 10, order: 'desc' });
    expect(page).toEqual([
      { chatJid: g, lastSeq: own.seq, unread: 0, contactName: null },
      { chatJid: a, lastSeq: read.seq, unread: 2, contactName: 'Ana' },
      { chatJid: b, lastSeq: expect.any(Number), unread: 1, contactName: null },
    ]);
    // Pages go on below the last one's cursor, both ways.
    expect((await chats.page({ instanceId: id, limit: 1, order: 'desc', belowSeq: read.seq })).map((c) => c.chatJid)).toEqual([b]);
    expect((await chats.page({ instanceId: id, limit: 5, order: 'asc', aboveSeq: page[2]!.lastSeq })).map((c) => c.chatJid)).toEqual([a, g]);
    // Another instance's ledger is another chat list.
    expect(await chats.page({ instanceId: await newInstance(), limit: 10, order: 'desc' })).toEqual([]);
  });

  test('10,000 messages in 200 chats: every chat once, in order, paged with cursors', async () => {
    const id = await newInstance();
    const batch: NewMessage[] = [];
    for (let i = 0; i < 10_000; i++) batch.push(row(id, jid(i % 200), i % 3 ? {} : { direction: 'OUTBOUND', fromMe: true, status: 'SENT' }));
    for (let i = 0; i < batch.length; i += 500) await messages.insertMany(batch.slice(i, i + 500));
    const seen: string[] = [];
    let below: number | null = null;
    const started = process.cpuUsage();
    const t0 = performance.now();
    for (;;) {
      const page = await chats.page({ instanceId: id, limit: 50, order: 'desc', belowSeq: below });
      seen.push(...page.map((c) => c.chatJid));
      if (page.length < 50) break;
      below = page.at(-1)!.lastSeq;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(started);
    // The chat written last (message 9,999 went to chat 199) comes first.
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    expect(seen.slice(0, 3)).toEqual([jid(199), jid(198), jid(197)]);
    console.log(`chats over 10,000 messages / 200 chats (${db.database.kind}): 4 pages of 50 in ${ms.toFixed(1)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU of this process`);
  });
});
