import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { encryptedCodec } from '../../src/db/auth-value.codec.ts';
import { InboundWriter } from '../../src/db/inbound-writer.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { MessageRepository, type NewMessage } from '../../src/db/message.repository.ts';
import { initOrm } from '../../src/db/orm.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';
import { eventually } from '../helpers/rest-client.ts';

// The group commit of received messages: one statement for what arrives together.
const db = useLoggedTestOrm();
let repo: MessageRepository;
beforeAll(() => {
  repo = new MessageRepository(db.orm, encryptedCodec(randomBytes(32)));
});

const newInstance = async () => (await new InstanceRepository(db.orm).create({ name: `iw-${randomUUID()}` })).id;
const inserts = (from: number) => db.queries.slice(from).filter((q) => /\] insert into "message"/.test(q)).length;
const inbound = (instanceId: string, waId: string, text = 'hello'): NewMessage => ({
  instanceId,
  waId,
  direction: 'INBOUND',
  fromMe: false,
  chatJid: '15550001111@s.whatsapp.net',
  senderJid: '15550001111@s.whatsapp.net',
  senderLid: null,
  senderPhone: '15550001111',
  kind: 'TEXT',
  content: { text, pushName: 'Alice' },
  quotedId: null,
  waTimestamp: new Date('2026-12-01T10:00:00Z'),
  status: 'RECEIVED',
});

describe('InboundWriter', () => {
  test('messages handed over in one turn are stored by one insert, each resolving with its stored row', async () => {
    const writer = new InboundWriter(repo);
    const instances = await Promise.all(Array.from({ length: 4 }, newInstance));
    const from = db.queries.length;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write(inbound(instances[i % 4]!, `GC-${i}`, `text ${i}`))));
    // Handed over in one turn of the event loop: one statement (the idle writer waits that turn).
    expect(inserts(from)).toBe(1);
    expect(results.every((r) => r.created)).toBe(true);
    // Cursors follow the order the messages were handed over.
    const seqs = results.map((r) => r.record.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    for (const [i, r] of results.entries()) {
      const stored = await repo.findByWaId(instances[i % 4]!, `GC-${i}`);
      expect(stored).toMatchObject({ seq: r.record.seq, status: 'RECEIVED', content: { text: `text ${i}`, pushName: 'Alice' } });
      expect(r.record).toEqual(stored);
    }
  });

  test('a redelivered message is not stored again: the stored row comes back, in a batch and across batches', async () => {
    const writer = new InboundWriter(repo);
    const id = await newInstance();
    const first = await writer.write(inbound(id, 'RE-1', 'first'));
    const [again, twin, other, twinAgain] = await Promise.all([
      writer.write(inbound(id, 'RE-1', 'second')),
      writer.write(inbound(id, 'RE-2', 'twin')),
      writer.write(inbound(id, 'RE-3')),
      writer.write(inbound(id, 'RE-2', 'twin copy')),
    ]);
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, record: first.record });
    expect(again!.record.content.text).toBe('first');
    expect(twin!.created).toBe(true);
    expect(other!.created).toBe(true);
    expect(twinAgain).toEqual({ created: false, record: twin!.record });
    expect((await repo.page({ instanceId: id, limit: 10, order: 'asc' })).map((r) => r.waId)).toEqual(['RE-1', 'RE-2', 'RE-3']);
  });

  test('one bad row in a batch fails alone', async () => {
    const writer = new InboundWriter(repo);
    const id = await newInstance();
    const ghost = randomUUID(); // no such instance: the foreign key refuses its row
    const hold = writer.write(inbound(id, 'BAD-0'));
    const results = await Promise.allSettled([
      writer.write(inbound(id, 'BAD-1')),
      writer.write(inbound(ghost, 'BAD-2')),
      writer.write(inbound(id, 'BAD-3')),
    ]);
    await hold;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await repo.page({ instanceId: id, limit: 10, order: 'asc' })).map((r) => r.waId)).toEqual(['BAD-0', 'BAD-1', 'BAD-3']);
  });

  // What makes the group commit safe: a caller resolves (and Baileys sends its receipt) only once
  // the statement holding its own row has committed, never when an earlier one does. A table lock
  // from a second connection holds the first statement; rows queued behind it wait for theirs.
  // PostgreSQL only (PGlite has one connection); test/gateway/ledger-inbound.test.ts checks the
  // receipt itself.
  test.runIf(process.env.DATABASE_URL)('no caller resolves before the statement with its row commits', async () => {
    const writer = new InboundWriter(repo);
    const id = await newInstance();
    const resolved = new Set<string>();
    const write = (waId: string) => writer.write(inbound(id, waId)).then((r) => {
        resolved.add(waId);
        return r;
      });
    const locker = await initOrm({ kind: 'postgresql', url: db.orm.config.get('clientUrl')! }, { logger: () => {} });
    try {
      const writes = await locker.em.fork().transactional(async (tx) => {
        await tx.getConnection().execute('lock table "message" in exclusive mode', [], 'run', tx.getTransactionContext());
        const held = write('LOCK-0');
        await eventually(async () => (await locker.em.getConnection().execute(`select 1 from pg_locks where not granted and relation = '"message"'::regclass`)).length > 0, 'the insert to wait on the lock');
        const queued = [write('LOCK-1'), write('LOCK-2')];
        // A round trip of our own gives a wrongly early resolve time to happen.
        await locker.em.getConnection().execute('select 1');
        expect(resolved.size).toBe(0);
        return [held, ...queued];
      });
      const results = await Promise.all(writes);
      expect(results.map((r) => r.created)).toEqual([true, true, true]);
      expect((await repo.page({ instanceId: id, limit: 10, order: 'asc' })).map((r) => r.waId)).toEqual(['LOCK-0', 'LOCK-1', 'LOCK-2']);
    } finally {
      await locker.close(true);
    }
  });

  test('idle waits for what is queued', async () => {
    const writer = new InboundWriter(repo);
    const id = await newInstance();
    const writes = Array.from({ length: 5 }, (_, i) => writer.write(inbound(id, `IDLE-${i}`)));
    await writer.idle();
    expect(await repo.page({ instanceId: id, limit: 10, order: 'asc' })).toHaveLength(5);
    await Promise.all(writes);
    await writer.idle();
  });
});
