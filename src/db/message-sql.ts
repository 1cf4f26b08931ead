import type { AuthValueCodec } from './auth-value.codec.ts';
import { MESSAGE_STATUSES, type MessageDirection, type MessageStatus } from './message.entity.ts';
import type { MessageContent, MessageRecord } from './message.repository.ts';
import { byRowCount } from './raw-sql.ts';

// The ledger's hot statements as raw SQL: every send and every receipt runs a few of them, and
// MikroORM's unit of work (entity, change set, identity map, query builder) cost more CPU than the
// statements themselves. Rows come back as the driver gives them (pg or PGlite) and are mapped here.

/**
 * How far along each status is: a receipt never moves a message backwards (a late DELIVERED after
 * READ is ignored), and terminal states stay.
 */
const RANK: Record<MessageStatus, number> = { SCHEDULED: -1, QUEUED: 0, RECEIVED: 0, SENDING: 1, SENT: 2, DELIVERED: 3, READ: 4, PLAYED: 5, FAILED: 9, CANCELLED: 9 };
const TERMINAL = new Set<MessageStatus>(['FAILED', 'CANCELLED']);

/** May a message in `from` move to `to`? */
export const advances = (from: MessageStatus, to: MessageStatus) => !TERMINAL.has(from) && (TERMINAL.has(to) ? RANK[from] < RANK.SENT : RANK[to] > RANK[from]);

/** The statuses a message may be in to move to `to`: the condition of the one UPDATE that moves it. */
const FROM = new Map(MESSAGE_STATUSES.map((to) => [to, MESSAGE_STATUSES.filter((from) => advances(from, to))]));

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The columns a new row is written with (`insert`, `insertInbound`); the rest keep their defaults. */
export const INSERT_COLUMNS = [
  'instance_id', 'wa_id', 'direction', 'from_me', 'chat_jid', 'sender_jid', 'sender_lid', 'sender_phone', 'kind',
  'content', 'quoted_id', 'wa_timestamp', 'status', 'status_times', 'attempts', 'created_at', 'updated_at',
  'idempotency_key', 'send_after',
] as const;

export const INSERT_COLUMN_LIST = INSERT_COLUMNS.map((c) => `"${c}"`).join(', ');

/** A row of `message` as the driver returns it. */
export interface MessageRow {
  seq: string | number;
  instance_id: string;
  wa_id: string;
  direction: MessageDirection;
  from_me: boolean;
  chat_jid: string;
  sender_jid: string | null;
  sender_lid: string | null;
  sender_phone: string | null;
  kind: string;
  content: Uint8Array;
  quoted_id: string | null;
  wa_timestamp: Date | string | null;
  status: MessageStatus;
  status_times: Partial<Record<MessageStatus, string>> | string | null;
  error_code: string | null;
  error_message: string | null;
  idempotency_key: string | null;
  send_after: Date | string | null;
  attempts: number;
  created_at: Date | string;
}

const date = (v: Date | string | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));

export function fromRow(row: MessageRow, codec: AuthValueCodec): MessageRecord {
  return {
    seq: Number(row.seq),
    instanceId: row.instance_id,
    waId: row.wa_id,
    direction: row.direction,
    fromMe: row.from_me,
    chatJid: row.chat_jid,
    senderJid: row.sender_jid,
    senderLid: row.sender_lid,
    senderPhone: row.sender_phone,
    kind: row.kind,
    content: codec.decode(row.content) as MessageContent,
    quotedId: row.quoted_id,
    waTimestamp: date(row.wa_timestamp),
    status: row.status,
    statusTimes: statusTimesOf(row.status_times),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    idempotencyKey: row.idempotency_key,
    sendAfter: date(row.send_after),
    attempts: Number(row.attempts),
    createdAt: date(row.created_at)!,
  };
}

/** One status step of some of an instance's messages (`direction`: only rows of that direction move). */
export interface StatusStep {
  instanceId: string;
  waIds: readonly string[];
  status: MessageStatus;
  at: Date;
  direction?: MessageDirection | undefined;
  /** Set when given (null clears); left as they are when undefined. */
  errorCode?: string | null | undefined;
  errorMessage?: string | null | undefined;
  attempts?: number | undefined;
}

/** Every step the forward check allows, `from>to`: constants of our own, written into the statement. */
const FORWARD = MESSAGE_STATUSES.flatMap((to) => (FROM.get(to) ?? []).map((from) => `'${from}>${to}'`)).join(', ');
const STEP_COLUMNS = '"ord", "instance_id", "wa_id", "direction", "status", "times", "set_code", "error_code", "set_message", "error_message", "attempts"';
const STEP_VALUES = '(?::int, ?::uuid, ?::text, ?::text, ?::text, ?::jsonb, ?::boolean, ?::text, ?::boolean, ?::text, ?::int)';

/**
 * What a step changed, for rows whose other columns the caller holds: a whole row back costs more
 * than the step itself on PGlite (the encrypted content, timestamps and the rest written out as text
 * by PostgreSQL, parsed and decrypted again in JavaScript).
 */
const STEP_RETURNING = 'm."seq", m."instance_id", m."wa_id", m."status", m."status_times", m."error_code", m."error_message", m."attempts"';

/** The columns a step returns with `returning: 'step'`. */
export type StepRow = Pick<MessageRow, 'seq' | 'instance_id' | 'wa_id' | 'status' | 'status_times' | 'error_code' | 'error_message' | 'attempts'>;

/** `record` with a step's columns (`returning: 'step'`) applied. */
export function withStep(record: MessageRecord, row: StepRow): MessageRecord {
  return { ...record, status: row.status, statusTimes: statusTimesOf(row.status_times), errorCode: row.error_code, errorMessage: row.error_message, attempts: Number(row.attempts) };
}

function statusTimesOf(stored: MessageRow['status_times']): Partial<Record<MessageStatus, Date>> {
  const times = typeof stored === 'string' ? (JSON.parse(stored) as Record<string, string>) : (stored ?? {});
  const statusTimes: Partial<Record<MessageStatus, Date>> = {};
  for (const [k, v] of Object.entries(times)) if (v) statusTimes[k as MessageStatus] = new Date(v);
  return statusTimes;
}

/**
 * One UPDATE for many status steps (of any instances): each row named moves to its step's status
 * where that is a step forward, and the rows that moved come back with the status each had before
 * and the step (`ord`, its index in `steps`) that moved it. The rows are locked first (`for update`,
 * in `seq` order), so a concurrent change is waited for and the condition checked again against
 * what it left: a receipt never overwrites a later status with an earlier one. Two steps of one row
 * must not share a statement (only one would apply): `GroupCommit`'s keys keep them apart.
 */
export function advanceStatement(steps: readonly StatusStep[], now = new Date(), returning: 'row' | 'step' = 'row'): { sql: string; params: unknown[] } {
  let rows = 0;
  const params: unknown[] = [];
  for (const [ord, step] of steps.entries()) {
    const times = JSON.stringify({ [step.status]: step.at.toISOString() });
    for (const waId of new Set(step.waIds)) {
      rows++;
      params.push(
        ord, step.instanceId, waId, step.direction ?? null, step.status, times,
        step.errorCode !== undefined, step.errorCode ?? null, step.errorMessage !== undefined, step.errorMessage ?? null, step.attempts ?? null,
      );
    }
  }
  params.push(now);
  return { sql: (returning === 'row' ? advanceRowTexts : advanceStepTexts)(rows), params };
}

const advanceText = (returning: 'row' | 'step') => (rows: number) =>
  `with v (${STEP_COLUMNS}) as (values ${Array.from({ length: rows }, () => STEP_VALUES).join(', ')}), ` +
  `old as (select m."seq", m."status" as "previous", v.* from "message" m join v on m."instance_id" = v."instance_id" and m."wa_id" = v."wa_id" ` +
  `where (v."direction" is null or m."direction" = v."direction") and m."status" || '>' || v."status" in (${FORWARD}) order by m."seq" for update of m) ` +
  `update "message" as m set "status" = old."status", "status_times" = m."status_times" || old."times", "updated_at" = ?, ` +
  `"error_code" = case when old."set_code" then old."error_code" else m."error_code" end, ` +
  `"error_message" = case when old."set_message" then old."error_message" else m."error_message" end, ` +
  `"attempts" = coalesce(old."attempts", m."attempts") ` +
  `from old where m."seq" = old."seq" returning ${returning === 'row' ? 'm.*' : STEP_RETURNING}, old."previous", old."ord"`;
const advanceRowTexts = byRowCount(advanceText('row'));
const advanceStepTexts = byRowCount(advanceText('step'));
