import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { encryptedCodec } from '../../src/db/auth-value.codec.ts';
import { GroupCommit } from '../../src/db/group-commit.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { MessageRepository, type NewMessage } from '../../src/db/message.repository.ts';
import { initOrm, type Orm } from '../../src/db/orm.ts';
import { outboundRow } from '../../src/services/messaging/outbound-row.ts';
import { MessageLedger } from '../../src/services/messaging/index.ts';
import { createLogger, EventBus } from '../../src/services/shared/index.ts';
import type { StoredMessage } from '../../src/services/messaging/types.ts';
import { createTestOrm, useLoggedTestOrm } from '../helpers/db.ts';
import { eventually } from '../helpers/rest-client.ts';

// The ledger's group commits: one statement for the rows (received and sent) and the status steps
// that arrive together, from all instances.
const db = useLoggedTestOrm();
const codec = encryptedCodec(randomBytes(32));
let repo: MessageRepository;
beforeAll(() => {
  repo = new MessageRepository(db.orm, codec);
});

/** A ledger as the app builds it, on `orm`; `published` collects the status events it publishes. */
function newLedger(orm: Orm = db.orm) {
  const logger = createLogger('silent');
  const events = new EventBus(logger);
  const published: StoredMessage[] = [];
  events.on('messageStatus', (e) => void published.push(e.message));
  const ledger = new MessageLedger({
    repo: new MessageRepository(orm, codec),
    events,
    logger,
    retentionDays: 0,
    sessions: { onlineSession: () => Promise.reject(new Error('no sessions in this test')) },
  });
  return { ledger, published };
}
const send = (instanceId: string, waId: string, key?: string): NewMessage => ({
  ...outboundRow(instanceId, '15550002222@s.whatsapp.net', waId, 'TEXT'),
  content: { text: `text of ${waId}`, outbox: { to: '15550002222' } },
  ...(key ? { idempotencyKey: key } : {}),
});
const statusUpdates = (from: number) => db.queries.slice(from).filter((q) => /\] with v .* update "message"/.test(q)).length;
/** Insert writer at the repository's level (the ledger's also waits one turn when idle: `gatherTurn`). */
const newInsertWriter = (gatherTurn = false) => new GroupCommit({ commit: (rows: readonly NewMessage[]) => repo.insertMany(rows), maxBatch: 500, gatherTurn });

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

describe('received rows (GroupCommit over insertMany)', () => {
  test('messages that arrive while one insert runs are stored by the next one, each resolving with its stored row', async () => {
    const writer = newInsertWriter();
    const instances = await Promise.all(Array.from({ length: 4 }, newInstance));
    const from = db.queries.length;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write(inbound(instances[i % 4]!, `GC-${i}`, `text ${i}`))));
    // The first goes alone (the writer was idle), the 19 that queued behind it together.
    expect(inserts(from)).toBe(2);
    expect(results.every((r) => r.created)).toBe(true);
    // Cursors follow the order the messages were handed over.
    const seqs = results.map((r) => r.record.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // Waiting one turn when idle (as the ledger does), the 20 handed over in one turn share one insert.
    const gathering = newInsertWriter(true);
    const next = db.queries.length;
    const gathered = await Promise.all(Array.from({ length: 20 }, (_, i) => gathering.write(inbound(instances[i % 4]!, `GT-${i}`, `text ${i}`))));
    expect(inserts(next)).toBe(1);
    expect(gathered.every((r) => r.created)).toBe(true);
    for (const [i, r] of results.entries()) {
      const stored = await repo.findByWaId(instances[i % 4]!, `GC-${i}`);
      expect(stored).toMatchObject({ seq: r.record.seq, status: 'RECEIVED', content: { text: `text ${i}`, pushName: 'Alice' } });
      expect(r.record).toEqual(stored);
    }
  });

  test('a redelivered message is not stored again: the stored row comes back, in a batch and across batches', async () => {
    const writer = newInsertWriter();
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
    const writer = newInsertWriter();
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
    const writer = newInsertWriter();
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
    const writer = newInsertWriter();
    const id = await newInstance();
    const writes = Array.from({ length: 5 }, (_, i) => writer.write(inbound(id, `IDLE-${i}`)));
    await writer.idle();
    expect(await repo.page({ instanceId: id, limit: 10, order: 'asc' })).toHaveLength(5);
    await Promise.all(writes);
    await writer.idle();
  });
});

describe('the ledger: sends and status steps of all instances', () => {
  test('concurrent sends of several instances share one insert, and their status steps share one update', async () => {
    const { ledger, published } = newLedger();
    const instances = await Promise.all(Array.from({ length: 4 }, newInstance));
    const ids = Array.from({ length: 20 }, (_, i) => ({ instanceId: instances[i % 4]!, waId: `OUT-${randomUUID()}` }));
    let from = db.queries.length;
    const stored = await Promise.all(ids.map(({ instanceId, waId }) => ledger.recordOutbound(send(instanceId, waId))));
    // Handed over in one turn: one insert (the idle writer waits that turn).
    expect(inserts(from)).toBe(1);
    expect(stored.every((s) => s.created && s.message.status === 'QUEUED')).toBe(true);

    from = db.queries.length;
    const sending = await Promise.all(ids.map((row) => ledger.advanceRow(row, 'SENDING', { attempts: 1 })));
    expect(statusUpdates(from)).toBe(2);
    expect(sending.map((m) => m?.status)).toEqual(ids.map(() => 'SENDING'));

    from = db.queries.length;
    // As WhatsApp's acks arrive: each instance's in order, the instances' side by side.
    await Promise.all(ids.map(({ instanceId, waId }) => ledger.onStatus(instanceId, { waIds: [waId], status: 'SENT', at: new Date(), direction: 'OUTBOUND' })));
    expect(statusUpdates(from)).toBeLessThan(ids.length / 2);
    for (const { instanceId, waId } of ids) {
      expect(await repo.findByWaId(instanceId, waId)).toMatchObject({ status: 'SENT', attempts: 1, statusTimes: { QUEUED: expect.any(Date), SENDING: expect.any(Date), SENT: expect.any(Date) } });
    }
    // Each step published once, as stored.
    for (const status of ['QUEUED', 'SENDING', 'SENT']) expect(published.filter((m) => m.status === status)).toHaveLength(ids.length);
  });

  test('two steps of one row queued together are applied one after the other, in order; a step back moves nothing', async () => {
    const { ledger, published } = newLedger();
    const id = await newInstance();
    const { message } = await ledger.recordOutbound(send(id, 'TWO-1'));
    const row = { instanceId: id, waId: message.id };
    await ledger.advanceRow(row, 'SENDING');
    const hold = ledger.advance(id, ['OTHER'], 'SENT');
    const [sent, delivered, back, failed] = await Promise.all([
      ledger.advance(id, [message.id], 'SENT'),
      ledger.advance(id, [message.id], 'DELIVERED'),
      ledger.advance(id, [message.id], 'SENT'),
      ledger.advanceRow(row, 'FAILED', { errorCode: 'LATE', errorMessage: 'too late' }),
    ]);
    await hold;
    expect([sent!.map((m) => m.status), delivered!.map((m) => m.status), back, failed]).toEqual([['SENT'], ['DELIVERED'], [], null]);
    expect(await repo.findByWaId(id, message.id)).toMatchObject({ status: 'DELIVERED', errorCode: null });
    expect(published.map((m) => m.status)).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED']);
  });

  test('an idempotency key given twice in one batch stores one row; both callers get it', async () => {
    const { ledger } = newLedger();
    const id = await newInstance();
    const hold = ledger.recordOutbound(send(id, 'IK-0'));
    const [a, b] = await Promise.all([ledger.recordOutbound(send(id, 'IK-1', 'same-key')), ledger.recordOutbound(send(id, 'IK-2', 'same-key'))]);
    await hold;
    expect([a!.created, b!.created]).toEqual([true, false]);
    expect(b!.message).toEqual(a!.message);
    expect((await repo.page({ instanceId: id, limit: 10, order: 'asc' })).map((r) => r.waId)).toEqual(['IK-0', 'IK-1']);
  });

  test('a send of a deleted instance fails alone; the rest of its batch is stored and published', async () => {
    const { ledger, published } = newLedger();
    const id = await newInstance();
    const ghost = randomUUID();
    const hold = ledger.recordOutbound(send(id, 'GH-0'));
    const results = await Promise.allSettled([ledger.recordOutbound(send(id, 'GH-1')), ledger.recordOutbound(send(ghost, 'GH-2')), ledger.recordOutbound(send(id, 'GH-3'))]);
    await hold;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(published.map((m) => m.id)).toEqual(['GH-0', 'GH-1', 'GH-3']);
  });

  test('when every statement fails, every waiter of a batch fails (none hangs) and nothing is published', async () => {
    const own = await createTestOrm();
    const id = (await new InstanceRepository(own.orm).create({ name: `gone-${randomUUID()}` })).id;
    const { ledger, published } = newLedger(own.orm);
    const { message } = await ledger.recordOutbound(send(id, 'GONE-0'));
    published.length = 0;
    // A database of its own, whose ledger table goes: the batches fail, and so does each row alone.
    await own.orm.em.getConnection().execute('drop table "message" cascade');
    const results = await Promise.allSettled([
      ledger.recordOutbound(send(id, 'GONE-1')),
      ledger.recordOutbound(send(id, 'GONE-2')),
      ledger.advanceRow({ instanceId: id, waId: message.id }, 'SENDING'),
      ledger.advance(id, [message.id], 'SENT'),
      ledger.advance(id, ['GONE-X'], 'DELIVERED'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(published).toEqual([]);
    await own.close();
  });

  test('stop waits for what is queued and is idempotent', async () => {
    const { ledger } = newLedger();
    const id = await newInstance();
    const writes = Array.from({ length: 5 }, (_, i) => ledger.recordOutbound(send(id, `STOP-${i}`)));
    const [first, second] = [ledger.stop(), ledger.stop()];
    expect(second).toBe(first);
    await first;
    expect(await repo.page({ instanceId: id, limit: 10, order: 'asc' })).toHaveLength(5);
    await Promise.all(writes);
    await ledger.stop();
  });
});
