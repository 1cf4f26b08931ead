import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AuthValueCodec } from './auth-value.codec.ts';
import { Broadcast } from './broadcast.entity.ts';
import { Message, type MessageStatus } from './message.entity.ts';
import type { MessageRecord, NewMessage } from './message.repository.ts';
import type { Orm } from './orm.ts';

export interface BroadcastRecord {
  id: string;
  instanceId: string;
  idempotencyKey: string | null;
  total: number;
  cancelledAt: Date | null;
  createdAt: Date;
}

/** A broadcast and its ledger rows: written together, counted from the rows. */
export class BroadcastRepository {
  readonly #orm: Orm;
  readonly #codec: AuthValueCodec;

  constructor(orm: Orm, codec: AuthValueCodec) {
    this.#orm = orm;
    this.#codec = codec;
  }

  /**
   * Stores the broadcast and all its messages in one transaction: either every recipient is queued
   * or none is. A second call with the same idempotency key stores nothing and returns the first.
   */
  async create(broadcast: Omit<BroadcastRecord, 'cancelledAt' | 'createdAt'>, messages: readonly NewMessage[], at = new Date()): Promise<{ broadcast: BroadcastRecord; records: MessageRecord[]; created: boolean }> {
    try {
      return await this.#orm.em.fork().transactional(async (em) => {
        const row = em.create(Broadcast, { id: broadcast.id, instance: broadcast.instanceId, idempotencyKey: broadcast.idempotencyKey, total: broadcast.total, cancelledAt: null, createdAt: at });
        const rows = messages.map(({ instanceId, content, ...columns }) =>
          em.create(Message, {
            ...columns,
            instance: instanceId,
            broadcast: broadcast.id,
            content: this.#codec.encode(content),
            statusTimes: { [columns.status]: at.toISOString() },
            idempotencyKey: null,
            sendAfter: columns.sendAfter ?? null,
            attempts: 0,
            createdAt: at,
          }),
        );
        await em.flush();
        const records = rows.map((r, i): MessageRecord => ({
          ...messages[i]!,
          seq: Number(r.seq),
          statusTimes: { [r.status]: at },
          errorCode: null,
          errorMessage: null,
          idempotencyKey: null,
          sendAfter: r.sendAfter ?? null,
          attempts: 0,
          createdAt: at,
        }));
        return { broadcast: toRecord(row), records, created: true };
      });
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException) || !broadcast.idempotencyKey) throw err;
      const first = await this.#orm.em.fork().findOne(Broadcast, { instance: broadcast.instanceId, idempotencyKey: broadcast.idempotencyKey });
      if (!first) throw err;
      return { broadcast: toRecord(first), records: [], created: false };
    }
  }

  async find(id: string): Promise<BroadcastRecord | null> {
    const row = await this.#orm.em.fork().findOne(Broadcast, { id });
    return row && toRecord(row);
  }

  async findByIdempotencyKey(instanceId: string, key: string): Promise<BroadcastRecord | null> {
    const row = await this.#orm.em.fork().findOne(Broadcast, { instance: instanceId, idempotencyKey: key });
    return row && toRecord(row);
  }

  /** How many of its messages are in each status, from the ledger rows themselves. */
  async counts(id: string): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = await this.#orm.em
      .fork()
      .getConnection()
      .execute<Array<{ status: MessageStatus; n: string | number }>>(`select status, count(*) as n from message where broadcast_id = ? group by status`, [id]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** WhatsApp ids of its messages still SCHEDULED or QUEUED (what a cancel may still stop). */
  async pendingIds(id: string): Promise<string[]> {
    const rows = await this.#orm.em.fork().find(Message, { broadcast: id, status: { $in: ['SCHEDULED', 'QUEUED'] } }, { fields: ['seq', 'waId'], orderBy: { seq: 'asc' } });
    return rows.map((r) => r.waId);
  }

  /** WhatsApp ids of all its messages. */
  async messageIds(id: string): Promise<string[]> {
    const rows = await this.#orm.em.fork().find(Message, { broadcast: id }, { fields: ['seq', 'waId'] });
    return rows.map((r) => r.waId);
  }

  /** Marks it cancelled (the first time only); returns it as stored. */
  async markCancelled(id: string, at: Date): Promise<BroadcastRecord | null> {
    const em = this.#orm.em.fork();
    await em.nativeUpdate(Broadcast, { id, cancelledAt: null }, { cancelledAt: at });
    return this.find(id);
  }
}

function toRecord(row: Broadcast): BroadcastRecord {
  return {
    id: row.id,
    instanceId: row.instance as unknown as string,
    idempotencyKey: row.idempotencyKey ?? null,
    total: row.total,
    cancelledAt: row.cancelledAt ?? null,
    createdAt: row.createdAt,
  };
}
