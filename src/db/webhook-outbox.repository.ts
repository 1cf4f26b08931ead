import { randomUUID } from 'node:crypto';
import type { Orm } from './orm.ts';
import { rawSql } from './raw-sql.ts';
import { WebhookDelivery, WebhookWatermark } from './webhook.entity.ts';

export interface NewDelivery {
  webhookId: string;
  instanceId: string;
  eventId: string;
  event: string;
  ordered: boolean;
  /** Encrypted JSON body. */
  body: Buffer;
}

/** A claimed outbox row with what sending it needs from its webhook. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  instanceId: string;
  eventId: string;
  ordered: boolean;
  seq: number;
  body: Buffer;
  attempts: number;
  url: string;
  format: string;
  secret: Buffer;
}

export type DeliveryState = 'PENDING' | 'FAILED';

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  instanceId: string;
  eventId: string;
  event: string;
  seq: number;
  status: DeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  /** PENDING: when the next attempt is due. */
  nextAttemptAt: Date | null;
  /** FAILED: when it was given up. */
  failedAt: Date | null;
}

type Row = Record<string, unknown>;

const bytes = (b: unknown) => {
  const u = b as Uint8Array;
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
};
const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
/** The fields every read of either table maps the same way. */
const common = (r: Row) => ({
  id: r.id as string,
  webhookId: r.webhook_id as string,
  instanceId: r.instance_id as string,
  eventId: r.event_id as string,
  seq: Number(r.seq),
  attempts: Number(r.attempts),
});
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const RECEIVED = 'messageReceived';

/** Columns both tables share, in the order the moves below copy them. */
const SHARED = 'id, webhook_id, instance_id, event_id, event, seq, ordered, body, created_at';

/**
 * The webhook outbox (`webhook_delivery`: what is still owed) and its dead letters
 * (`webhook_dead_letter`: what was given up). Moves between the two are single statements, so a
 * row is always in exactly one of them.
 */
export class WebhookOutboxRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.#orm.em.getConnection().execute<Row[]>(sql, params, 'all');
  }

  /**
   * One INSERT for the batch (an event already queued for a webhook, same event id, is skipped),
   * and the inbound watermark moved to `receivedUpTo` in the same transaction: either both are
   * stored or neither.
   */
  async enqueue(rows: NewDelivery[], receivedUpTo?: number, now = new Date()): Promise<void> {
    if (!rows.length && receivedUpTo === undefined) return;
    const watermark = `insert into webhook_watermark (name, seq) values (?, ?) on conflict (name) do update set seq = greatest(webhook_watermark.seq, excluded.seq)`;
    // The watermark alone (no webhook wants these messages, the common case): one statement, no transaction around it.
    // Raw SQL (`rawSql`: prepared on PGlite): with no webhooks this runs after every batch of received messages.
    if (!rows.length) {
      await rawSql(this.#orm).all(watermark, [RECEIVED, receivedUpTo]);
      return;
    }
    await this.#orm.em.fork().transactional(async (em) => {
      await em
        .createQueryBuilder(WebhookDelivery)
        .insert(
          rows.map((r) => ({
            id: randomUUID(),
            webhook: r.webhookId,
            instance: r.instanceId,
            eventId: r.eventId,
            event: r.event,
            ordered: r.ordered,
            body: r.body,
            attempts: 0,
            nextAttemptAt: now,
            createdAt: now,
          })),
        )
        .onConflict(['webhook', 'eventId'])
        .ignore()
        .execute();
      if (receivedUpTo !== undefined) await em.execute(watermark, [RECEIVED, receivedUpTo]);
    });
  }

  /** The highest ledger cursor of an inbound message the outbox has taken (null: none recorded). */
  async receivedWatermark(): Promise<number | null> {
    const row = await this.#orm.em.fork().findOne(WebhookWatermark, { name: RECEIVED });
    return row ? Number(row.seq) : null;
  }

  /**
   * Due rows, each claimed by moving `next_attempt_at` to `now + leaseMs` only if it is still due:
   * two gateways on one database never send the same row at once, and a row whose sender died is
   * due again when the lease runs out. An ordered row is only due once no lower `seq` of its
   * webhook + instance is left in the outbox (in flight, waiting for a retry, or replayed).
   */
  async claimDue(limit: number, leaseMs: number, skip: ReadonlySet<string>): Promise<ClaimedDelivery[]> {
    const now = new Date();
    const skipped = [...skip];
    const due = await rawSql(this.#orm).all<Row>(
      `select d.id, d.webhook_id, d.instance_id, d.event_id, d.ordered, d.seq, d.body, d.attempts, w.url, w.format, w.secret
         from webhook_delivery d join webhook_config w on w.id = d.webhook_id
        where d.next_attempt_at <= ?
          ${skipped.length ? `and d.id not in (${marks(skipped.length)})` : ''}
          and (not d.ordered or not exists (
            select 1 from webhook_delivery e where e.webhook_id = d.webhook_id and e.instance_id = d.instance_id and e.seq < d.seq))
        order by d.seq limit ?`,
      [now, ...skipped, limit],
    );
    const lease = new Date(now.getTime() + leaseMs);
    const claimed: ClaimedDelivery[] = [];
    for (const r of due) {
      const won = await this.#orm.em.fork().nativeUpdate(WebhookDelivery, { id: r.id as string, nextAttemptAt: { $lte: now } }, { nextAttemptAt: lease });
      if (won !== 1) continue;
      claimed.push({
        ...common(r),
        ordered: r.ordered as boolean,
        body: bytes(r.body),
        url: r.url as string,
        format: r.format as string,
        secret: bytes(r.secret),
      });
    }
    return claimed;
  }

  async delivered(id: string): Promise<void> {
    await this.#orm.em.fork().nativeDelete(WebhookDelivery, { id });
  }

  async retryLater(id: string, attempts: number, nextAttemptAt: Date, lastError: string): Promise<void> {
    await this.#orm.em.fork().nativeUpdate(WebhookDelivery, { id }, { attempts, nextAttemptAt, lastError });
  }

  /** Puts a claimed row back as due now (shutdown interrupted its attempt; it does not count). */
  async release(id: string): Promise<void> {
    await this.#orm.em.fork().nativeUpdate(WebhookDelivery, { id }, { nextAttemptAt: new Date() });
  }

  /** Moves one row to the dead letters. */
  async deadLetter(id: string, attempts: number, lastError: string): Promise<void> {
    await this.run(
      `with moved as (delete from webhook_delivery where id = ? returning ${SHARED})
       insert into webhook_dead_letter (${SHARED}, attempts, last_error, failed_at) select ${SHARED}, ?, ?, ? from moved`,
      [id, attempts, lastError, new Date()],
    );
  }

  /** Moves every row of a webhook + instance queue after `seq` to the dead letters, untried; returns how many. */
  async deadLetterQueue(webhookId: string, instanceId: string, afterSeq: number, lastError: string): Promise<number> {
    const rows = await this.run(
      `with moved as (delete from webhook_delivery where webhook_id = ? and instance_id = ? and seq > ? returning ${SHARED}, attempts)
       insert into webhook_dead_letter (${SHARED}, attempts, last_error, failed_at) select ${SHARED}, attempts, ?, ? from moved returning id`,
      [webhookId, instanceId, afterSeq, lastError, new Date()],
    );
    return rows.length;
  }

  /**
   * Moves dead letters of a webhook back into the outbox, due now, with fresh attempts and their
   * original `seq` (so they go out in their original order, ahead of newer ones). `ids` and `since`
   * (events created at or after) narrow it; neither: every dead letter of the webhook.
   */
  async replay(webhookId: string, filter: { ids?: string[]; since?: Date }): Promise<number> {
    const where = ['webhook_id = ?'];
    const params: unknown[] = [webhookId];
    if (filter.ids) {
      if (!filter.ids.length) return 0;
      where.push(`id in (${marks(filter.ids.length)})`);
      params.push(...filter.ids);
    }
    if (filter.since) {
      where.push('created_at >= ?');
      params.push(filter.since);
    }
    const rows = await this.run(
      `with moved as (delete from webhook_dead_letter where ${where.join(' and ')} returning ${SHARED})
       insert into webhook_delivery (${SHARED}, attempts, last_error, next_attempt_at) select ${SHARED}, 0, null, ? from moved
       on conflict (webhook_id, event_id) do nothing returning id`,
      [...params, new Date()],
    );
    return rows.length;
  }

  /**
   * One page of a webhook's deliveries, oldest event first: queued ones (PENDING) and dead letters
   * (FAILED), merged by `seq`. Returns up to `first + 1` so the caller knows whether more follow.
   */
  async list(webhookId: string, opts: { status?: DeliveryState; first: number; afterSeq?: number }): Promise<DeliveryRecord[]> {
    const page = async (table: string, status: DeliveryState) => {
      const rows = await this.run(
        `select ${SHARED}, attempts, last_error, ${status === 'PENDING' ? 'next_attempt_at, null as failed_at' : 'null as next_attempt_at, failed_at'}
           from ${table} where webhook_id = ? and seq > ? order by seq limit ?`,
        [webhookId, opts.afterSeq ?? -1, opts.first + 1],
      );
      return rows.map(
        (r): DeliveryRecord => ({
          ...common(r),
          event: r.event as string,
          status,
          lastError: (r.last_error as string | null) ?? null,
          createdAt: date(r.created_at)!,
          nextAttemptAt: date(r.next_attempt_at),
          failedAt: date(r.failed_at),
        }),
      );
    };
    const parts = await Promise.all([
      opts.status !== 'FAILED' ? page('webhook_delivery', 'PENDING') : [],
      opts.status !== 'PENDING' ? page('webhook_dead_letter', 'FAILED') : [],
    ]);
    return parts
      .flat()
      .sort((a, b) => a.seq - b.seq)
      .slice(0, opts.first + 1);
  }

  /** Dead letters given up before `before` go for good; returns how many. */
  async pruneDeadLetters(before: Date): Promise<number> {
    return (await this.run(`delete from webhook_dead_letter where failed_at < ? returning id`, [before])).length;
  }

  async pendingCount(): Promise<number> {
    return this.#orm.em.fork().count(WebhookDelivery, {});
  }
}
