import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encryptedCodec } from '../../src/db/auth-value.codec.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { Message } from '../../src/db/message.entity.ts';
import { MessageRepository, type NewMessage } from '../../src/db/message.repository.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';

let db: TestOrm;
let repo: MessageRepository;
let instanceId: string;

beforeAll(async () => {
  db = await createTestOrm();
  repo = new MessageRepository(db.orm, encryptedCodec(randomBytes(32)));
  instanceId = (await new InstanceRepository(db.orm).create({ name: `ledger-${randomUUID().slice(0, 8)}` })).id;
});
afterAll(() => db?.close());

const inbound = (waId: string, text = 'hello', chatJid = '15550001111@s.whatsapp.net'): NewMessage => ({
  instanceId,
  waId,
  direction: 'INBOUND',
  fromMe: false,
  chatJid,
  senderJid: chatJid,
  senderLid: null,
  senderPhone: '15550001111',
  kind: 'TEXT',
  content: { text, pushName: 'Alice' },
  quotedId: null,
  waTimestamp: new Date(),
  status: 'RECEIVED',
});

describe('MessageRepository', () => {
  test('a WhatsApp id is stored once per instance; the second insert returns the first row', async () => {
    const first = await repo.insert(inbound('DUP-1', 'first'));
    const again = await repo.insert(inbound('DUP-1', 'second'));
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, record: first.record });
    expect(again.record.content.text).toBe('first');
  });

  test('an idempotency key is stored once per instance, whatever WhatsApp id the retry picked', async () => {
    const row = (waId: string): NewMessage => ({ ...inbound(waId), direction: 'OUTBOUND', fromMe: true, status: 'QUEUED', idempotencyKey: 'key-1' });
    const first = await repo.insert(row('OUT-1'));
    const retry = await repo.insert(row('OUT-2'));
    expect(retry.created).toBe(false);
    expect(retry.record.waId).toBe('OUT-1');
    expect(await repo.findByWaId(instanceId, 'OUT-2')).toBeNull();
    expect(first.record.seq).toBe(retry.record.seq);
  });

  test('sequence numbers grow in insert order', async () => {
    const a = await repo.insert(inbound('SEQ-A'));
    const b = await repo.insert(inbound('SEQ-B'));
    expect(b.record.seq).toBeGreaterThan(a.record.seq);
    const after = await repo.inboundAfter([instanceId], a.record.seq, 10);
    expect(after.map((r) => r.waId)).toEqual(['SEQ-B']);
  });

  test('text and names are encrypted at rest; filter columns are plain', async () => {
    const secret = `secret text ${randomUUID()}`;
    const { record } = await repo.insert(inbound('ENC-1', secret));
    const raw = await db.orm.em.fork().findOneOrFail(Message, { seq: record.seq });
    expect(Buffer.from(raw.content).toString('latin1')).not.toContain(secret);
    expect(Buffer.from(raw.content).toString('latin1')).not.toContain('Alice');
    expect(raw.chatJid).toBe('15550001111@s.whatsapp.net');
    expect((await repo.findByWaId(instanceId, 'ENC-1'))?.content.text).toBe(secret);
  });

  test('status only moves forward and each step keeps its time', async () => {
    const { record } = await repo.insert({ ...inbound('ST-1'), direction: 'OUTBOUND', fromMe: true, status: 'QUEUED' });
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await repo.advance(instanceId, [record.waId], 'SENDING', t0, { attempts: 1 })).toMatchObject([{ status: 'SENDING', previous: 'QUEUED', attempts: 1 }]);
    expect(await repo.advance(instanceId, ['ST-1'], 'READ', t0)).toHaveLength(1);
    expect(await repo.advance(instanceId, ['ST-1'], 'DELIVERED', t0)).toHaveLength(0);
    // A message WhatsApp already has cannot fail afterwards.
    expect(await repo.advance(instanceId, [record.waId], 'FAILED', t0, { errorCode: 'X', errorMessage: 'x' })).toEqual([]);
    const stored = await repo.findByWaId(instanceId, 'ST-1');
    expect(stored).toMatchObject({ status: 'READ', attempts: 1, errorCode: null, errorMessage: null });
    expect(Object.keys(stored!.statusTimes).sort()).toEqual(['QUEUED', 'READ', 'SENDING']);
  });

  // A send's steps return only what they changed and take the rest from the row as stored: what
  // they hand back must still be the row as a read sees it, a content change in between included.
  test('every step of a send returns the row as stored, with a content change between steps', async () => {
    const { record } = await repo.insert({ ...inbound('CACHE-1', 'before'), direction: 'OUTBOUND', fromMe: true, status: 'QUEUED', idempotencyKey: 'cache-1' });
    const read = async () => ({ ...(await repo.findByWaId(instanceId, 'CACHE-1'))!, previous: expect.any(String) });
    const [sending] = await repo.advance(instanceId, [record.waId], 'SENDING', new Date('2026-01-01T00:00:01Z'), { attempts: 1 });
    expect(sending).toEqual(await read());
    expect(sending).toMatchObject({ status: 'SENDING', previous: 'QUEUED', attempts: 1, idempotencyKey: 'cache-1' });
    await repo.updateContent(record.seq, { ...record.content, text: 'after' });
    const [sent] = await repo.advance(instanceId, [record.waId], 'SENT', new Date('2026-01-01T00:00:02Z'));
    expect(sent).toEqual(await read());
    expect(sent).toMatchObject({ status: 'SENT', previous: 'SENDING', content: { text: 'after' } });
    const [delivered] = await repo.advance(instanceId, [record.waId], 'DELIVERED', new Date('2026-01-01T00:00:03Z'));
    expect(delivered).toEqual(await read());
    expect(Object.keys(delivered!.statusTimes).sort()).toEqual(['DELIVERED', 'QUEUED', 'SENDING', 'SENT']);
  });

  test('pages by chat and direction in both orders', async () => {
    const chat = `1555${randomUUID().replace(/\D/g, '').slice(0, 7)}@s.whatsapp.net`;
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await repo.insert(inbound(`PG-${chat}-${i}`, `m${i}`, chat))).record.seq);
    const asc = await repo.page({ instanceId, chatJid: chat, direction: 'INBOUND', limit: 2, order: 'asc', afterSeq: seqs[0] });
    expect(asc.map((r) => r.seq)).toEqual(seqs.slice(1, 3));
    const desc = await repo.page({ instanceId, chatJid: chat, limit: 10, order: 'desc', beforeSeq: seqs[4] });
    expect(desc.map((r) => r.seq)).toEqual(seqs.slice(0, 4).reverse());
  });

  test('retention deletes what was stored before the cutoff', async () => {
    const { record } = await repo.insert(inbound('OLD-1'));
    await db.orm.em.fork().nativeUpdate(Message, { seq: record.seq }, { createdAt: new Date('2000-01-01T00:00:00Z') });
    expect(await repo.deleteOlderThan(new Date('2001-01-01T00:00:00Z'))).toBe(1);
    expect(await repo.findByWaId(instanceId, 'OLD-1')).toBeNull();
  });
});
