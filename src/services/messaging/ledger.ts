import { isJidGroup } from '@whiskeysockets/baileys';
import { GroupCommit } from '../../db/group-commit.ts';
import type { MessageContent, MessagePageQuery, MessageRecord, MessageRepository, NewMessage, StatusStep } from '../../db/message.repository.ts';
import type { EventBus } from '../shared/event-bus.ts';
import type { Logger } from '../shared/logger.ts';
import type { SessionSource } from '../instances/index.ts';
import type { StatusReport } from './status-watcher.ts';
import type { OutboundContent } from './outbound-content.ts';
import { applyChange, historyOf, pollResultsOf, reactionsOf, withReaction } from './message-changes.ts';
import type { Inbound, IncomingChange, IncomingMessage, MessageDirection, MessageKind, MessageStatus, StoredMessage } from './types.ts';

const PRUNE_EVERY_MS = 3_600_000;
// 19 values per inserted row, 11 per status step row: a few hundred rows keep one statement small.
// Baileys hands each instance's messages over one at a time and the send queue sends one at a time
// per instance, so a batch holds about one row per busy instance.
const MAX_BATCH_ROWS = 500;

type Moved = Array<MessageRecord & { previous: MessageStatus }>;

export interface LedgerDeps {
  repo: MessageRepository;
  events: EventBus;
  logger: Logger;
  /** MESSAGE_RETENTION_DAYS: older rows are pruned hourly; 0 keeps everything. */
  retentionDays: number;
  /** Online sessions, for read receipts. */
  sessions: Pick<SessionSource, 'onlineSession'>;
  /** Hears how many messages (received and sent) each ledger insert stored (metrics). */
  onInsertBatch?(rows: number): void;
}

/** What the transports read and do with stored messages. */
export type LedgerService = Pick<MessageLedger, 'get' | 'page' | 'inboundAfter' | 'markRead'>;

/**
 * The message ledger: every message of every instance, stored before anyone is told. Inbound
 * messages are published (`messageReceived`) only when this call stored them for the first time,
 * so WhatsApp's redeliveries reach nobody twice; status changes are published as stored.
 */
export class MessageLedger {
  readonly #deps: LedgerDeps;
  readonly #log: Logger;
  #prune: NodeJS.Timeout | undefined;
  readonly #statusChains = new Map<string, Promise<void>>();
  /** New rows, received and sent, of all instances: those arriving together are stored in one statement (group commit). */
  readonly #inserts: GroupCommit<NewMessage, { record: MessageRecord; created: boolean }>;
  /** Status steps of all instances, the same way; two steps of one row never share a statement. */
  readonly #steps: GroupCommit<StatusStep, Moved>;
  #stopping: Promise<void> | undefined;
  /** Changes to stored rows (edits, deletes, reactions, votes), one at a time per instance: each reads, then writes, a row's content. */
  readonly #changeChains = new Map<string, Promise<unknown>>();

  constructor(deps: LedgerDeps) {
    this.#deps = deps;
    this.#inserts = new GroupCommit({
      commit: (rows) => deps.repo.insertMany(rows),
      maxBatch: MAX_BATCH_ROWS,
      // A backlog delivered at login is handed over ten messages per turn (Baileys decrypts the next
      // while one is stored): on PGlite, with no round trip to wait through, the first insert would
      // otherwise be over before the second row comes.
      gatherTurn: true,
      onCommit: deps.onInsertBatch,
    });
    this.#steps = new GroupCommit({
      commit: (steps) => deps.repo.advanceMany(steps),
      size: (step) => Math.max(1, step.waIds.length),
      keys: (step) => step.waIds.map((id) => `${step.instanceId}\u0000${id}`),
      maxBatch: MAX_BATCH_ROWS,
    });
    this.#log = deps.logger.child({ component: 'ledger' });
  }

  get repo(): MessageRepository {
    return this.#deps.repo;
  }

  /** Starts the retention sweep (once now, then hourly). */
  start(): void {
    if (this.#prune || !this.#deps.retentionDays) return;
    const run = () => void this.pruneNow().catch((err) => this.#log.warn({ err }, 'message retention sweep failed'));
    this.#prune = setInterval(run, PRUNE_EVERY_MS);
    this.#prune.unref();
    run();
  }

  /** Ends the sweep and waits for messages and statuses being stored. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#prune);
      await Promise.all([...this.#statusChains.values(), ...this.#changeChains.values()]);
      await Promise.all([this.#inserts.idle(), this.#steps.idle()]);
    })();
    return this.#stopping;
  }

  /** Deletes what is older than the retention period; returns how many rows went. */
  async pruneNow(now = new Date()): Promise<number> {
    if (!this.#deps.retentionDays) return 0;
    const removed = await this.#deps.repo.deleteOlderThan(new Date(now.getTime() - this.#deps.retentionDays * 86_400_000));
    if (removed) this.#log.info({ removed }, 'pruned messages past MESSAGE_RETENTION_DAYS');
    return removed;
  }

  /**
   * Stores a message that arrived over the socket (deduplicated on instance + WhatsApp id) and
   * publishes it if it is new. Resolves only once the row is committed: the caller (the session,
   * inside Baileys' receive path) lets the delivery receipt go only after that. Messages of all
   * instances that arrive while one insert runs share the next one.
   */
  async recordInbound(message: IncomingMessage): Promise<{ message: StoredMessage; created: boolean }> {
    const { record, created } = await this.#inserts.write(inboundRow(message));
    const stored = toStoredMessage(record);
    if (created) this.#deps.events.publish('messageReceived', stored);
    return { message: stored, created };
  }

  /**
   * What the session hands over for each message WhatsApp delivered: a message is stored (a
   * reaction is also reflected on its target), a change is applied to the row it names. Resolves
   * once committed (the delivery receipt waits for it).
   */
  async receive(inbound: Inbound): Promise<void> {
    if ('change' in inbound) {
      await this.applyChange(inbound.change);
      return;
    }
    const { message, created } = await this.recordInbound(inbound.message);
    const reaction = message.details.reaction;
    if (created && reaction) await this.react(message.instanceId, reaction.targetId, reaction.emoji, message.fromMe ? 'me' : message.sender.jid, message.timestamp, message.id);
  }

  /** Reflects a reaction (the message `causeId`) on the stored message it is about (`senderJid` 'me' for the account itself). */
  async react(instanceId: string, targetId: string, emoji: string, senderJid: string, at: Date, causeId: string): Promise<StoredMessage | null> {
    return this.#changing(instanceId, async () => {
      const row = await this.#deps.repo.findByWaId(instanceId, targetId);
      if (!row) return null;
      const record = await this.#deps.repo.updateContent(row.seq, withReaction(row.content, emoji, senderJid, at));
      if (!record) return null;
      const stored = toStoredMessage(record);
      this.#deps.events.publish('messageChanged', { kind: 'UPDATED', message: stored, causeId });
      return stored;
    });
  }

  /** An edit, delete or poll vote applied to its stored message, and published; ignored (logged) when it may not apply. */
  async applyChange(change: IncomingChange): Promise<StoredMessage | null> {
    return this.#changing(change.instanceId, async () => {
      const row = await this.#deps.repo.findByWaId(change.instanceId, change.change.targetId);
      if (!row) {
        this.#log.info({ instanceId: change.instanceId, messageId: change.change.targetId, change: change.change.kind }, 'a change names a message the ledger does not hold; ignored');
        return null;
      }
      const outcome = applyChange(row, change);
      if ('skipped' in outcome) {
        this.#log.warn({ instanceId: change.instanceId, messageId: row.waId, change: change.change.kind, reason: outcome.skipped }, 'a change to a stored message was not applied');
        return null;
      }
      const record = await this.#deps.repo.updateContent(row.seq, outcome.content);
      if (!record) return null;
      const stored = toStoredMessage(record);
      this.#deps.events.publish('messageChanged', { kind: outcome.event, message: stored, causeId: change.id });
      return stored;
    });
  }

  /** Marks a stored message deleted in the ledger only (`deleteMessage(forEveryone: false)`). */
  async deleteLocally(instanceId: string, waId: string): Promise<StoredMessage | null> {
    return this.#changing(instanceId, async () => {
      const row = await this.#deps.repo.findByWaId(instanceId, waId);
      if (!row) return null;
      const record = await this.#deps.repo.updateContent(row.seq, { ...row.content, deletedAt: new Date().toISOString(), deletedLocally: true });
      if (!record) return null;
      const stored = toStoredMessage(record);
      this.#deps.events.publish('messageChanged', { kind: 'DELETED', message: stored, causeId: null });
      return stored;
    });
  }

  /**
   * A reaction, edit or delete this gateway sent, once WhatsApp took it: its target's stored row
   * changes the way it does when the change comes from a phone.
   */
  async #applyOwn(record: MessageRecord): Promise<void> {
    const c = (record.content.outbox as { content?: OutboundContent } | undefined)?.content;
    if (!c || !('key' in c)) return;
    const at = record.waTimestamp ?? new Date();
    if (c.type === 'reaction') {
      await this.react(record.instanceId, c.key.id, c.emoji, 'me', at, record.waId);
      return;
    }
    const self = { jid: 'me', lid: null, phoneNumber: null, pushName: null };
    const change = c.type === 'edit' ? ({ kind: 'edit', targetId: c.key.id, text: c.text, at } as const) : ({ kind: 'revoke', targetId: c.key.id, at } as const);
    await this.applyChange({ instanceId: record.instanceId, id: record.waId, chatJid: record.chatJid, sender: self, fromMe: true, selfJids: [], change });
  }

  #changing<T>(instanceId: string, job: () => Promise<T>): Promise<T> {
    const next = (this.#changeChains.get(instanceId) ?? Promise.resolve()).then(job, job);
    const settled = next.catch(() => undefined);
    this.#changeChains.set(instanceId, settled);
    void settled.finally(() => {
      if (this.#changeChains.get(instanceId) === settled) this.#changeChains.delete(instanceId);
    });
    return next;
  }

  /**
   * Stores an outbound message (QUEUED or SCHEDULED); an existing idempotency key returns the first
   * row. Sends of all instances stored together share one insert, with received messages.
   */
  async recordOutbound(row: NewMessage): Promise<{ message: StoredMessage; record: MessageRecord; created: boolean }> {
    const { record, created } = await this.#inserts.write(row);
    const stored = toStoredMessage(record);
    if (created) this.publishStatus(stored);
    return { message: stored, record, created };
  }

  /** Publishes sends stored elsewhere in one transaction (a broadcast's rows), as `recordOutbound` does. */
  publishRecorded(records: readonly MessageRecord[]): StoredMessage[] {
    return records.map((r) => {
      const stored = toStoredMessage(r);
      this.publishStatus(stored);
      return stored;
    });
  }

  /**
   * Cancels an outbound message not handed to WhatsApp yet (SCHEDULED or QUEUED) and publishes it;
   * otherwise says what it is (null: no such message).
   */
  async cancel(instanceId: string, waId: string): Promise<{ message: StoredMessage | null; cancelled: boolean }> {
    const result = await this.#deps.repo.cancel(instanceId, waId, new Date());
    if (result.cancelled) return { message: this.published(result.record, result.record.previous), cancelled: true };
    return { message: result.record && toStoredMessage(result.record), cancelled: false };
  }

  /**
   * WhatsApp's acks and receipts for one instance, applied one after another in arrival order (a
   * SENT and a DELIVERED racing for one row would otherwise drop the SENT step). Never rejects.
   */
  onStatus(instanceId: string, report: StatusReport): Promise<void> {
    const previous = this.#statusChains.get(instanceId) ?? Promise.resolve();
    const next = previous
      .then(() => this.advance(instanceId, report.waIds, report.status, report.at, report.direction, report.errorCode))
      .then(() => undefined)
      .catch((err: unknown) => this.#log.error({ err, instanceId, status: report.status }, 'storing a message status failed'));
    this.#statusChains.set(instanceId, next);
    void next.finally(() => {
      if (this.#statusChains.get(instanceId) === next) this.#statusChains.delete(instanceId);
    });
    return next;
  }

  /**
   * Moves the named messages forward (never backwards) and publishes what moved, once stored. Steps
   * of all instances taken together share one statement.
   */
  async advance(instanceId: string, waIds: readonly string[], status: MessageStatus, at = new Date(), direction?: MessageDirection, errorCode?: string): Promise<StoredMessage[]> {
    if (!waIds.length) return [];
    const extra = { ...(direction ? { direction } : {}), ...(errorCode ? { errorCode: `WHATSAPP_${errorCode}`, errorMessage: `WhatsApp refused the message (error ${errorCode})` } : {}) };
    const moved = await this.#steps.write({ instanceId, waIds, status, at, ...extra });
    return moved.map((m) => this.published(m, m.previous));
  }

  /** The send queue's own transitions of one row (the same group commit as `advance`). */
  async advanceRow(
    row: Pick<MessageRecord, 'instanceId' | 'waId'>,
    status: MessageStatus,
    extra: Pick<StatusStep, 'errorCode' | 'errorMessage' | 'attempts'> = {},
  ): Promise<StoredMessage | null> {
    const [record] = await this.#steps.write({ instanceId: row.instanceId, waIds: [row.waId], status, at: new Date(), ...extra });
    return record ? this.published(record, record.previous) : null;
  }

  /** Publishes a stored step: `messageStatus` always, `messageSent` when a send first reached WhatsApp. */
  private published(record: MessageRecord, previous: MessageStatus): StoredMessage {
    const stored = toStoredMessage(record);
    this.publishStatus(stored);
    const reached = (s: MessageStatus) => ['SENT', 'DELIVERED', 'READ', 'PLAYED'].includes(s);
    if (stored.direction === 'OUTBOUND' && reached(stored.status) && !reached(previous)) {
      this.#deps.events.publish('messageSent', stored);
      if (['REACTION', 'EDIT', 'REVOKE'].includes(record.kind)) void this.#applyOwn(record).catch((err) => this.#log.error({ err, messageId: record.waId }, 'applying a sent change to its message failed'));
    }
    return stored;
  }

  /**
   * Sends read receipts for received messages of one chat (all of them up to now when `waIds` is
   * omitted, at most 500) and marks them READ. Returns how many were marked.
   */
  async markRead(instanceId: string, chatJid: string, waIds: readonly string[] | null): Promise<number> {
    const rows = waIds
      ? (await Promise.all(waIds.map((id) => this.#deps.repo.findByWaId(instanceId, id)))).filter((r): r is MessageRecord => !!r)
      : await this.#deps.repo.page({ instanceId, chatJid, direction: 'INBOUND', status: 'RECEIVED', limit: 500, order: 'desc' });
    const unread = rows.filter((r) => r.chatJid === chatJid && r.direction === 'INBOUND' && !r.fromMe && r.status === 'RECEIVED');
    if (!unread.length) return 0;
    const session = await this.#deps.sessions.onlineSession(instanceId);
    await session.withSocket((sock) =>
      sock.readMessages(unread.map((r) => ({ remoteJid: r.chatJid, id: r.waId, fromMe: false, ...(isJidGroup(r.chatJid) && r.senderJid ? { participant: r.senderJid } : {}) }))),
    );
    return (await this.advance(instanceId, unread.map((r) => r.waId), 'READ', new Date(), 'INBOUND')).length;
  }

  async get(instanceId: string, waId: string): Promise<StoredMessage | null> {
    const record = await this.#deps.repo.findByWaId(instanceId, waId);
    return record && toStoredMessage(record);
  }

  async page(query: MessagePageQuery): Promise<StoredMessage[]> {
    return (await this.#deps.repo.page(query)).map(toStoredMessage);
  }

  async inboundAfter(instanceIds: readonly string[] | null, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return (await this.#deps.repo.inboundAfter(instanceIds, afterSeq, limit)).map(toStoredMessage);
  }

  private publishStatus(m: StoredMessage): void {
    this.#deps.events.publish('messageStatus', { instanceId: m.instanceId, messageId: m.id, status: m.status, at: m.statusTimes[m.status] ?? new Date(), message: m });
  }
}

/** The row a received message is stored as. */
export function inboundRow(m: IncomingMessage): NewMessage {
  const content: MessageContent = {
    text: m.text,
    pushName: m.sender.pushName,
    details: m.details,
    ...(m.secret ? { secret: m.secret } : {}),
    media: m.media ? { kind: m.media.kind, mimeType: m.media.mimeType, size: m.media.size, fileName: m.media.fileName, caption: m.media.caption } : null,
  };
  return {
    instanceId: m.instanceId,
    waId: m.id,
    direction: 'INBOUND',
    fromMe: m.fromMe,
    chatJid: m.chatJid,
    senderJid: m.sender.jid,
    senderLid: m.sender.lid,
    senderPhone: m.sender.phoneNumber,
    kind: m.type,
    content,
    quotedId: m.details.quoted?.id ?? null,
    waTimestamp: m.timestamp,
    status: 'RECEIVED',
  };
}

/** A ledger row as every consumer sees it. */
export function toStoredMessage(r: MessageRecord): StoredMessage {
  const c = r.content;
  const kind = r.kind as MessageKind;
  return {
    cursor: String(r.seq),
    id: r.waId,
    instanceId: r.instanceId,
    chatJid: r.chatJid,
    sender: { jid: r.senderJid ?? r.chatJid, lid: r.senderLid, phoneNumber: r.senderPhone, pushName: c.pushName ?? null },
    fromMe: r.fromMe,
    isGroup: !!isJidGroup(r.chatJid),
    type: kind,
    text: c.text ?? null,
    timestamp: r.waTimestamp ?? r.createdAt,
    media: c.media
      ? {
          kind: c.media.kind as MessageKind,
          mimeType: c.media.mimeType,
          size: c.media.size,
          fileName: c.media.fileName,
          caption: c.media.caption,
        }
      : null,
    direction: r.direction,
    status: r.status,
    statusTimes: r.statusTimes,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    quotedId: r.quotedId,
    idempotencyKey: r.idempotencyKey,
    storedAt: r.createdAt,
    details: (c.details as StoredMessage['details'] | undefined) ?? {},
    reactions: reactionsOf(c),
    pollResults: pollResultsOf(c),
    history: historyOf(c),
  };
}
