import type { FilterQuery } from '@mikro-orm/core';
import type { AuthValueCodec } from './auth-value.codec.ts';
import { advanceStatement, fromRow, INSERT_COLUMN_LIST, INSERT_COLUMNS, placeholders, withStep, type MessageRow, type StatusStep, type StepRow } from './message-sql.ts';
import { Message, type MessageDirection, type MessageStatus } from './message.entity.ts';
import type { Orm } from './orm.ts';
import { OutboundRowCache } from './outbound-row-cache.ts';
import { byRowCount, rawSql, type RawSql } from './raw-sql.ts';

export type { MessageDirection, MessageStatus };
export { advances, type StatusStep } from './message-sql.ts';

/** What people wrote, encrypted at rest. Later kinds add optional fields here, not columns. */
export interface MessageContent {
  text?: string | null;
  pushName?: string | null;
  media?: { kind: string; mimeType: string; size: number | null; fileName: string | null; caption: string | null } | null;
  /** Outbound: what the send queue needs to (re)send it. */
  outbox?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface MessageRecord {
  seq: number;
  instanceId: string;
  waId: string;
  direction: MessageDirection;
  fromMe: boolean;
  chatJid: string;
  senderJid: string | null;
  senderLid: string | null;
  senderPhone: string | null;
  kind: string;
  content: MessageContent;
  quotedId: string | null;
  waTimestamp: Date | null;
  status: MessageStatus;
  statusTimes: Partial<Record<MessageStatus, Date>>;
  errorCode: string | null;
  errorMessage: string | null;
  idempotencyKey: string | null;
  sendAfter: Date | null;
  attempts: number;
  createdAt: Date;
}

export type NewMessage = Omit<MessageRecord, 'seq' | 'statusTimes' | 'errorCode' | 'errorMessage' | 'attempts' | 'createdAt' | 'sendAfter' | 'idempotencyKey'> &
  Partial<Pick<MessageRecord, 'sendAfter' | 'idempotencyKey'>>;

export interface MessagePageQuery {
  instanceId: string;
  chatJid?: string | null;
  direction?: MessageDirection | null;
  status?: MessageStatus | null;
  /** Exclusive bounds on `seq`. */
  afterSeq?: number | null;
  beforeSeq?: number | null;
  limit: number;
  /** `asc`: oldest first from `afterSeq`; `desc`: newest first down from `beforeSeq`. */
  order: 'asc' | 'desc';
}

const insertTexts = byRowCount(
  (rows) =>
    `insert into "message" (${INSERT_COLUMN_LIST}) values ${Array.from({ length: rows }, () => `(${placeholders(INSERT_COLUMNS.length)})`).join(', ')} ` +
    'on conflict do nothing returning "seq", "instance_id", "wa_id"',
);

/** The ledger's rows. Every verb runs on its own fork; content is encoded and decoded here. */
export class MessageRepository {
  readonly #orm: Orm;
  readonly #codec: AuthValueCodec;
  readonly #sql: RawSql;
  /** Sends on their way, so their status steps need not read their rows back. */
  readonly #sending = new OutboundRowCache();

  constructor(orm: Orm, codec: AuthValueCodec) {
    this.#orm = orm;
    this.#codec = codec;
    this.#sql = rawSql(orm);
  }

  /**
   * Stores a message unless the instance already has one with its WhatsApp id (inbound) or its
   * idempotency key (outbound); `created` says which happened, `record` is the stored row either way.
   */
  async insert(message: NewMessage, at = new Date()): Promise<{ record: MessageRecord; created: boolean }> {
    return (await this.insertMany([message], at))[0]!;
  }

  /**
   * Stores messages of any instances and both directions in one statement (the ledger's group
   * commit): a row whose instance already has its WhatsApp id or its idempotency key is skipped,
   * and the row that was there is returned for it (read only then). Results are in the order
   * given; a message given twice is stored once (the first copy). Raw SQL: this runs for every
   * message, and MikroORM's unit of work (entity, change set, identity map) cost more CPU than it.
   */
  async insertMany(messages: readonly NewMessage[], at = new Date()): Promise<Array<{ record: MessageRecord; created: boolean }>> {
    if (!messages.length) return [];
    const inserted = await this.#insertRows(messages, at);
    const key = (instanceId: string, waId: string) => `${instanceId}\u0000${waId}`;
    const seqs = new Map(inserted.map((r) => [key(r.instance_id, r.wa_id), Number(r.seq)]));
    const taken = new Set<string>();
    const created = messages.map((m) => {
      const k = key(m.instanceId, m.waId);
      const seq = seqs.get(k);
      if (seq === undefined || taken.has(k)) return null;
      taken.add(k);
      const record = newRecord(m, seq, at);
      this.#sending.put(record);
      return record;
    });
    const missing = messages.filter((_, i) => !created[i]);
    const existing = missing.length ? await this.#existing(missing) : [];
    return messages.map((m, i) => {
      const record = created[i];
      if (record) return { record, created: true };
      const first =
        created.find((r) => r && r.instanceId === m.instanceId && (r.waId === m.waId || (!!m.idempotencyKey && r.idempotencyKey === m.idempotencyKey))) ??
        existing.find((r) => r.instanceId === m.instanceId && !!m.idempotencyKey && r.idempotencyKey === m.idempotencyKey) ??
        existing.find((r) => r.instanceId === m.instanceId && r.waId === m.waId);
      // Refused by a unique key, yet not there: deleted in between (its instance went).
      if (!first) throw new Error(`message ${m.waId} of instance ${m.instanceId} was neither stored nor found`);
      return { record: first, created: false };
    });
  }

  /** The stored rows that hold these messages' WhatsApp ids or idempotency keys (one statement). */
  #existing(messages: readonly NewMessage[]): Promise<MessageRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const m of messages) {
      where.push('("instance_id" = ? and "wa_id" = ?)');
      params.push(m.instanceId, m.waId);
      if (m.idempotencyKey) {
        where.push('("instance_id" = ? and "idempotency_key" = ?)');
        params.push(m.instanceId, m.idempotencyKey);
      }
    }
    return this.#select(where.join(' or '), params, '');
  }

  async findByWaId(instanceId: string, waId: string): Promise<MessageRecord | null> {
    return (await this.#select('"instance_id" = ? and "wa_id" = ?', [instanceId, waId], 'limit 1'))[0] ?? null;
  }

  async findByIdempotencyKey(instanceId: string, key: string): Promise<MessageRecord | null> {
    return (await this.#select('"instance_id" = ? and "idempotency_key" = ?', [instanceId, key], 'limit 1'))[0] ?? null;
  }

  async findBySeq(seq: number): Promise<MessageRecord | null> {
    return (await this.#select('"seq" = ?', [seq], 'limit 1'))[0] ?? null;
  }

  /** The rows with these sequence numbers (in no particular order); missing ones are left out. */
  async findBySeqs(seqs: readonly number[]): Promise<MessageRecord[]> {
    if (!seqs.length) return [];
    const rows = await this.#orm.em.fork().find(Message, { seq: { $in: [...seqs] } });
    return rows.map((r) => this.#toRecord(r));
  }

  /** One page of an instance's messages; one row more than `limit` tells whether another page follows. */
  async page(q: MessagePageQuery): Promise<MessageRecord[]> {
    const seq: Record<string, number> = {};
    if (q.afterSeq != null) seq.$gt = q.afterSeq;
    if (q.beforeSeq != null) seq.$lt = q.beforeSeq;
    const where: FilterQuery<Message> = {
      instance: q.instanceId,
      ...(q.chatJid ? { chatJid: q.chatJid } : {}),
      ...(q.direction ? { direction: q.direction } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(Object.keys(seq).length ? { seq } : {}),
    };
    const rows = await this.#orm.em.fork().find(Message, where, { orderBy: { seq: q.order }, limit: q.limit });
    return rows.map((r) => this.#toRecord(r));
  }

  /** Inbound messages after a cursor, oldest first: the replay of `messageReceived(after:)`. */
  async inboundAfter(instanceIds: readonly string[] | null, afterSeq: number, limit: number): Promise<MessageRecord[]> {
    const where: FilterQuery<Message> = { direction: 'INBOUND', seq: { $gt: afterSeq }, ...(instanceIds ? { instance: { $in: [...instanceIds] } } : {}) };
    const rows = await this.#orm.em.fork().find(Message, where, { orderBy: { seq: 'asc' }, limit });
    return rows.map((r) => this.#toRecord(r));
  }

  /**
   * Moves messages to `status` where that is a step forward, and returns the rows that moved (with
   * the status each had before), in one statement: see `advanceStatement`.
   */
  async advance(
    instanceId: string,
    waIds: readonly string[],
    status: MessageStatus,
    at: Date,
    extra: Pick<StatusStep, 'direction' | 'errorCode' | 'errorMessage' | 'attempts'> = {},
  ): Promise<Array<MessageRecord & { previous: MessageStatus }>> {
    return (await this.advanceMany([{ instanceId, waIds, status, at, ...extra }]))[0]!;
  }

  /**
   * Many status steps (of any instances) in one statement (the ledger's group commit): for each
   * step, the rows that moved, with the status each had before. Two steps of one row must not be
   * given together (see `advanceStatement`).
   */
  async advanceMany(steps: readonly StatusStep[]): Promise<Array<Array<MessageRecord & { previous: MessageStatus }>>> {
    const moved: Array<Array<MessageRecord & { previous: MessageStatus }>> = steps.map(() => []);
    const named = steps.filter((s) => s.waIds.length);
    if (!named.length) return moved;
    const index = named.map((s) => steps.indexOf(s));
    // Sends on their way (the common case: a send's own steps) take back only what the step changed.
    if (named.every((s) => s.waIds.every((id) => this.#sending.has(s.instanceId, id)))) {
      const statement = advanceStatement(named, new Date(), 'step');
      const rows = await this.#sql.all<StepRow & { previous: MessageStatus; ord: number }>(statement.sql, statement.params);
      for (const r of rows) {
        const held = this.#sending.get(r.instance_id, r.wa_id);
        // Dropped meanwhile (its content changed, or it was cancelled): read whole.
        const record = held ? withStep(held, r) : await this.findBySeq(Number(r.seq));
        if (!record) continue;
        this.#sending.put(record);
        moved[index[Number(r.ord)]!]!.push({ ...record, previous: r.previous });
      }
      return moved;
    }
    const statement = advanceStatement(named);
    const rows = await this.#sql.all<MessageRow & { previous: MessageStatus; ord: number }>(statement.sql, statement.params);
    for (const r of rows) {
      const record = fromRow(r, this.#codec);
      this.#sending.put(record);
      moved[index[Number(r.ord)]!]!.push({ ...record, previous: r.previous });
    }
    return moved;
  }

  /**
   * The instance's next outbound messages to send, at most `limit`: QUEUED (or left SENDING by a
   * crash), due, oldest first.
   */
  async nextToSend(instanceId: string, now: Date, skip: readonly number[] = [], limit = 1): Promise<MessageRecord[]> {
    const rows = await this.#select(
      `"instance_id" = ? and "direction" = 'OUTBOUND' and "status" in ('QUEUED', 'SENDING') and ("send_after" is null or "send_after" <= ?)` +
        (skip.length ? ` and "seq" not in (${placeholders(skip.length)})` : ''),
      [instanceId, now, ...skip],
      `order by "seq" asc limit ${Math.max(1, Math.trunc(limit))}`,
    );
    // About to be sent: their steps follow.
    for (const row of rows) this.#sending.put(row);
    return rows;
  }

  /**
   * Instances with no outbound message QUEUED or SENDING: nothing to send, whenever they come online
   * (one look at boot instead of one per instance as each comes back; the status index answers it).
   */
  async instancesWithEmptyQueue(): Promise<string[]> {
    const rows = await this.#sql.all<{ id: string }>(
      `select "id" from "instance" i where not exists (select 1 from "message" m where m."status" in ('QUEUED', 'SENDING') and m."instance_id" = i."id" and m."direction" = 'OUTBOUND')`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Outbound messages still QUEUED that were due before `cutoff` (SEND_QUEUE_TTL_SECONDS): accepted
   * then, or scheduled for then (a scheduled send's time in the queue starts at its `sendAfter`).
   */
  async queuedBefore(cutoff: Date): Promise<MessageRecord[]> {
    const rows = await this.#orm.em.fork().find(
      Message,
      { direction: 'OUTBOUND', status: 'QUEUED', $or: [{ sendAfter: null, createdAt: { $lt: cutoff } }, { sendAfter: { $lt: cutoff } }] },
      { limit: 1000 },
    );
    return rows.map((r) => this.#toRecord(r));
  }

  /** An instance's outbound messages not sent yet (QUEUED, or left SENDING; SCHEDULED ones too unless `scheduled` is false). */
  async pendingOf(instanceId: string, scheduled = true): Promise<MessageRecord[]> {
    const statuses: MessageStatus[] = scheduled ? ['QUEUED', 'SCHEDULED', 'SENDING'] : ['QUEUED', 'SENDING'];
    const rows = await this.#orm.em.fork().find(Message, { instance: instanceId, direction: 'OUTBOUND', status: { $in: statuses } });
    return rows.map((r) => this.#toRecord(r));
  }

  /** Outbound messages not sent yet, counted by status (the send-queue depth metric). */
  async pendingCounts(): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = await this.#orm.em
      .fork()
      .getConnection()
      .execute<Array<{ status: MessageStatus; n: string | number }>>(
        `select status, count(*) as n from message where direction = 'OUTBOUND' and status in ('SCHEDULED', 'QUEUED', 'SENDING') group by status`,
      );
    return Object.fromEntries(['SCHEDULED', 'QUEUED', 'SENDING'].map((s) => [s, Number(rows.find((r) => r.status === s)?.n ?? 0)]));
  }

  /** Replaces a row's content (edits, deletes, reactions, poll votes); the caller serialises changes per instance. */
  async updateContent(seq: number, content: MessageContent): Promise<MessageRecord | null> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(Message, { seq });
    if (!row) return null;
    await em.nativeUpdate(Message, { seq }, { content: this.#codec.encode(content), updatedAt: new Date() });
    const record = { ...this.#toRecord(row), content };
    this.#sending.put(record);
    return record;
  }

  /** SCHEDULED messages whose time has come, oldest due first. */
  async dueScheduled(now: Date, limit: number): Promise<MessageRecord[]> {
    const rows = await this.#orm.em.fork().find(Message, { direction: 'OUTBOUND', status: 'SCHEDULED', sendAfter: { $lte: now } }, { orderBy: { sendAfter: 'asc', seq: 'asc' }, limit });
    return rows.map((r) => this.#toRecord(r));
  }

  /** When the next SCHEDULED message is due; null when none is scheduled. */
  async nextScheduledAt(): Promise<Date | null> {
    const row = await this.#orm.em.fork().findOne(Message, { direction: 'OUTBOUND', status: 'SCHEDULED' }, { orderBy: { sendAfter: 'asc' }, fields: ['seq', 'sendAfter'] });
    return row?.sendAfter ?? null;
  }

  /**
   * Cancels an outbound message that has not gone to WhatsApp yet (SCHEDULED or QUEUED); the
   * update is conditional, so a worker taking it at the same moment and this cancel never both win.
   */
  async cancel(instanceId: string, waId: string, at: Date): Promise<{ record: MessageRecord & { previous: MessageStatus }; cancelled: true } | { record: MessageRecord | null; cancelled: false }> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(Message, { instance: instanceId, waId, direction: 'OUTBOUND' });
    if (!row || (row.status !== 'SCHEDULED' && row.status !== 'QUEUED')) return { record: row && this.#toRecord(row), cancelled: false };
    this.#sending.drop(instanceId, waId);
    const previous = row.status;
    const statusTimes = { ...row.statusTimes, CANCELLED: at.toISOString() };
    const n = await em.nativeUpdate(Message, { seq: row.seq, status: previous }, { status: 'CANCELLED', statusTimes, updatedAt: new Date() });
    if (!n) return { record: await this.findBySeq(row.seq), cancelled: false };
    return { record: { ...this.#toRecord(Object.assign(row, { status: 'CANCELLED' as const, statusTimes })), previous }, cancelled: true };
  }

  /** Retention: drops messages stored before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    this.#sending.clear();
    return this.#orm.em.fork().nativeDelete(Message, { createdAt: { $lt: cutoff } });
  }

  async #select(where: string, params: unknown[], tail: string): Promise<MessageRecord[]> {
    const rows = await this.#sql.all<MessageRow>(`select * from "message" where ${where} ${tail}`, params);
    return rows.map((r) => fromRow(r, this.#codec));
  }

  /** Inserts rows (one statement) and returns the keys of those stored; a duplicate is left out. */
  #insertRows(messages: readonly NewMessage[], at: Date): Promise<Array<{ seq: string | number; instance_id: string; wa_id: string }>> {
    const params = messages.flatMap((m) => [
      m.instanceId, m.waId, m.direction, m.fromMe, m.chatJid, m.senderJid, m.senderLid, m.senderPhone, m.kind,
      this.#codec.encode(m.content), m.quotedId, m.waTimestamp, m.status, JSON.stringify({ [m.status]: at.toISOString() }), 0, at, at,
      m.idempotencyKey ?? null, m.sendAfter ?? null,
    ]);
    return this.#sql.all(insertTexts(messages.length), params);
  }

  #toRecord(row: Message): MessageRecord {
    const times: Partial<Record<MessageStatus, Date>> = {};
    for (const [k, v] of Object.entries(row.statusTimes ?? {})) if (v) times[k as MessageStatus] = new Date(v);
    return {
      seq: Number(row.seq),
      instanceId: row.instance as unknown as string,
      waId: row.waId,
      direction: row.direction,
      fromMe: row.fromMe,
      chatJid: row.chatJid,
      senderJid: row.senderJid ?? null,
      senderLid: row.senderLid ?? null,
      senderPhone: row.senderPhone ?? null,
      kind: row.kind,
      content: this.#codec.decode(row.content) as MessageContent,
      quotedId: row.quotedId ?? null,
      waTimestamp: row.waTimestamp ?? null,
      status: row.status,
      statusTimes: times,
      errorCode: row.errorCode ?? null,
      errorMessage: row.errorMessage ?? null,
      idempotencyKey: row.idempotencyKey ?? null,
      sendAfter: row.sendAfter ?? null,
      attempts: row.attempts,
      createdAt: row.createdAt,
    };
  }
}

/** The record of a row just inserted, without reading it back. */
function newRecord(m: NewMessage, seq: number | string, at: Date): MessageRecord {
  return {
    ...m,
    seq: Number(seq),
    statusTimes: { [m.status]: at },
    errorCode: null,
    errorMessage: null,
    idempotencyKey: m.idempotencyKey ?? null,
    sendAfter: m.sendAfter ?? null,
    attempts: 0,
    createdAt: at,
  };
}
