import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { AuthValueCodec } from './auth-value.codec.ts';
import { Message, type MessageDirection, type MessageStatus } from './message.entity.ts';
import type { Orm } from './orm.ts';

export type { MessageDirection, MessageStatus };

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

/**
 * How far along each status is: a receipt never moves a message backwards (a late DELIVERED after
 * READ is ignored), and terminal states stay.
 */
const RANK: Record<MessageStatus, number> = { SCHEDULED: -1, QUEUED: 0, RECEIVED: 0, SENDING: 1, SENT: 2, DELIVERED: 3, READ: 4, PLAYED: 5, FAILED: 9, CANCELLED: 9 };
const TERMINAL = new Set<MessageStatus>(['FAILED', 'CANCELLED']);

/** May a message in `from` move to `to`? */
export const advances = (from: MessageStatus, to: MessageStatus) => !TERMINAL.has(from) && (TERMINAL.has(to) ? RANK[from] < RANK.SENT : RANK[to] > RANK[from]);

/** The columns an inbound row is written with (`insertInbound`); the rest keep their defaults (null). */
const INBOUND_COLUMNS = [
  'instance_id', 'wa_id', 'direction', 'from_me', 'chat_jid', 'sender_jid', 'sender_lid', 'sender_phone', 'kind',
  'content', 'quoted_id', 'wa_timestamp', 'status', 'status_times', 'attempts', 'created_at', 'updated_at',
] as const;

/** The ledger's rows. Every verb runs on its own fork; content is encoded and decoded here. */
export class MessageRepository {
  readonly #orm: Orm;
  readonly #codec: AuthValueCodec;

  constructor(orm: Orm, codec: AuthValueCodec) {
    this.#orm = orm;
    this.#codec = codec;
  }

  /**
   * Stores a message unless the instance already has one with its WhatsApp id (inbound) or its
   * idempotency key (outbound); `created` says which happened, `record` is the stored row either way.
   */
  async insert(message: NewMessage, at = new Date()): Promise<{ record: MessageRecord; created: boolean }> {
    const em = this.#orm.em.fork();
    const { instanceId, content, ...columns } = message;
    const row = em.create(Message, {
      ...columns,
      instance: instanceId,
      content: this.#codec.encode(content),
      statusTimes: { [message.status]: at.toISOString() },
      idempotencyKey: message.idempotencyKey ?? null,
      sendAfter: message.sendAfter ?? null,
      attempts: 0,
      createdAt: at,
    });
    try {
      await em.flush();
      return { record: this.#toRecord(row), created: true };
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const where = message.idempotencyKey
        ? { $or: [{ instance: instanceId, idempotencyKey: message.idempotencyKey }, { instance: instanceId, waId: message.waId }] }
        : { instance: instanceId, waId: message.waId };
      const existing = await this.#orm.em.fork().findOne(Message, where as FilterQuery<Message>);
      if (!existing) throw err;
      return { record: this.#toRecord(existing), created: false };
    }
  }

  /**
   * Stores received messages in one statement (the group commit of `InboundWriter`): rows whose
   * instance already has their WhatsApp id are skipped, and the stored row is returned for those.
   * Results are in the order given; a WhatsApp id given twice is stored once (the first copy).
   * Raw SQL because this runs once per received message before its receipt: MikroORM's unit of
   * work (entity, change set, identity map) cost more CPU than the insert itself.
   */
  async insertInbound(messages: readonly NewMessage[], at = new Date()): Promise<Array<{ record: MessageRecord; created: boolean }>> {
    if (!messages.length) return [];
    const statusTimes = (m: NewMessage) => JSON.stringify({ [m.status]: at.toISOString() });
    const values = messages.map(() => `(${INBOUND_COLUMNS.map(() => '?').join(', ')})`).join(', ');
    const params = messages.flatMap((m) => [
      m.instanceId, m.waId, m.direction, m.fromMe, m.chatJid, m.senderJid, m.senderLid, m.senderPhone, m.kind,
      this.#codec.encode(m.content), m.quotedId, m.waTimestamp, m.status, statusTimes(m), 0, at, at,
    ]);
    const inserted = await this.#orm.em
      .getConnection()
      .execute<Array<{ seq: string | number; instance_id: string; wa_id: string }>>(
        `insert into "message" (${INBOUND_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${values} on conflict ("instance_id", "wa_id") do nothing returning "seq", "instance_id", "wa_id"`,
        params,
        'all',
      );
    const key = (instanceId: string, waId: string) => `${instanceId}\u0000${waId}`;
    const seqs = new Map(inserted.map((r) => [key(r.instance_id, r.wa_id), Number(r.seq)]));
    const existing = new Map<string, MessageRecord>();
    const missing = messages.filter((m) => !seqs.has(key(m.instanceId, m.waId)));
    if (missing.length) {
      const rows = await this.#orm.em.fork().find(Message, { $or: missing.map((m) => ({ instance: m.instanceId, waId: m.waId })) } as FilterQuery<Message>);
      for (const row of rows) existing.set(key(row.instance as unknown as string, row.waId), this.#toRecord(row));
    }
    const taken = new Set<string>();
    return messages.map((m) => {
      const k = key(m.instanceId, m.waId);
      const seq = seqs.get(k);
      if (seq !== undefined && !taken.has(k)) {
        taken.add(k);
        const record: MessageRecord = {
          ...m, seq, statusTimes: { [m.status]: at }, errorCode: null, errorMessage: null,
          idempotencyKey: null, sendAfter: null, attempts: 0, createdAt: at,
        };
        existing.set(k, record);
        return { record, created: true };
      }
      const record = existing.get(k);
      // Skipped by the conflict clause, yet not there: deleted in between (its instance went).
      if (!record) throw new Error(`message ${m.waId} of instance ${m.instanceId} was neither stored nor found`);
      return { record, created: false };
    });
  }

  async findByWaId(instanceId: string, waId: string): Promise<MessageRecord | null> {
    const row = await this.#orm.em.fork().findOne(Message, { instance: instanceId, waId });
    return row && this.#toRecord(row);
  }

  async findByIdempotencyKey(instanceId: string, key: string): Promise<MessageRecord | null> {
    const row = await this.#orm.em.fork().findOne(Message, { instance: instanceId, idempotencyKey: key });
    return row && this.#toRecord(row);
  }

  async findBySeq(seq: number): Promise<MessageRecord | null> {
    const row = await this.#orm.em.fork().findOne(Message, { seq });
    return row && this.#toRecord(row);
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
   * Moves messages to `status` where that is a step forward, and returns the rows that moved.
   * Each row is updated only if its status is still the one read, so concurrent receipts never
   * overwrite a later status with an earlier one.
   */
  async advance(
    instanceId: string,
    waIds: readonly string[],
    status: MessageStatus,
    at: Date,
    extra: { errorCode?: string | null; errorMessage?: string | null; direction?: MessageDirection } = {},
  ): Promise<Array<MessageRecord & { previous: MessageStatus }>> {
    if (!waIds.length) return [];
    const em = this.#orm.em.fork();
    const { direction, ...errors } = extra;
    const rows = await em.find(Message, { instance: instanceId, waId: { $in: [...waIds] }, ...(direction ? { direction } : {}) });
    const moved: Array<MessageRecord & { previous: MessageStatus }> = [];
    for (const row of rows) {
      const previous = row.status;
      if (!advances(previous, status)) continue;
      const statusTimes = { ...row.statusTimes, [status]: at.toISOString() };
      const n = await em.nativeUpdate(Message, { seq: row.seq, status: previous }, { status, statusTimes, ...errors, updatedAt: new Date() });
      if (n) moved.push({ ...this.#toRecord(Object.assign(row, { status, statusTimes, ...errors })), previous });
    }
    return moved;
  }

  /** The same as `advance` for one row the caller holds (the send queue). */
  async advanceSeq(
    seq: number,
    status: MessageStatus,
    at: Date,
    extra: { errorCode?: string | null; errorMessage?: string | null; attempts?: number } = {},
  ): Promise<(MessageRecord & { previous: MessageStatus }) | null> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(Message, { seq });
    const previous = row?.status;
    if (!row || !previous || !advances(previous, status)) return null;
    const statusTimes = { ...row.statusTimes, [status]: at.toISOString() };
    const n = await em.nativeUpdate(Message, { seq, status: previous }, { status, statusTimes, ...extra, updatedAt: new Date() });
    return n ? { ...this.#toRecord(Object.assign(row, { status, statusTimes, ...extra })), previous } : null;
  }

  /** The instance's next outbound message to send: QUEUED (or left SENDING by a crash), due, oldest first. */
  async nextToSend(instanceId: string, now: Date, skip: readonly number[] = []): Promise<MessageRecord | null> {
    const row = await this.#orm.em.fork().findOne(
      Message,
      {
        instance: instanceId,
        direction: 'OUTBOUND',
        status: { $in: ['QUEUED', 'SENDING'] },
        $or: [{ sendAfter: null }, { sendAfter: { $lte: now } }],
        ...(skip.length ? { seq: { $nin: [...skip] } } : {}),
      },
      { orderBy: { seq: 'asc' } },
    );
    return row && this.#toRecord(row);
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
    return { ...this.#toRecord(row), content };
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
    const previous = row.status;
    const statusTimes = { ...row.statusTimes, CANCELLED: at.toISOString() };
    const n = await em.nativeUpdate(Message, { seq: row.seq, status: previous }, { status: 'CANCELLED', statusTimes, updatedAt: new Date() });
    if (!n) return { record: await this.findBySeq(row.seq), cancelled: false };
    return { record: { ...this.#toRecord(Object.assign(row, { status: 'CANCELLED' as const, statusTimes })), previous }, cancelled: true };
  }

  /** Retention: drops messages stored before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return this.#orm.em.fork().nativeDelete(Message, { createdAt: { $lt: cutoff } });
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
