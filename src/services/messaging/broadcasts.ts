import { randomUUID } from 'node:crypto';
import { generateMessageIDV2 } from '@whiskeysockets/baileys';
import type { BroadcastRecord, BroadcastRepository } from '../../db/broadcast.repository.ts';
import type { MessageStatus } from '../../db/message.repository.ts';
import { DomainError, type EventBus } from '../shared/index.ts';
import { fillRecipients, type BroadcastRecipientInput } from './broadcast-template.ts';
import type { MessageLedger } from './ledger.ts';
import { outboundRow } from './outbound-row.ts';
import type { SendQueue } from './send-queue.ts';
import { checkKey, checkSendAt } from './send-input.ts';

export type BroadcastStatus = 'SCHEDULED' | 'SENDING' | 'COMPLETED' | 'CANCELLED';

/** A broadcast as its ledger rows say now. `sent`, `delivered` and `read` count every message that got at least that far. */
export interface BroadcastView {
  id: string;
  instanceId: string;
  status: BroadcastStatus;
  total: number;
  scheduled: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  cancelled: number;
  createdAt: Date;
  cancelledAt: Date | null;
}

export interface CreateBroadcastInput {
  instanceId: string;
  recipients: readonly BroadcastRecipientInput[];
  text: string;
  sendAt?: Date | null;
  idempotencyKey?: string | null;
}

export interface BroadcastDeps {
  repo: BroadcastRepository;
  ledger: MessageLedger;
  queue: Pick<SendQueue, 'queued' | 'sendingInstance'>;
  events: EventBus;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const at = (c: Partial<Record<MessageStatus, number>>, ...statuses: MessageStatus[]) => statuses.reduce((n, s) => n + (c[s] ?? 0), 0);

/**
 * Bulk sends: one text with `{{name}}` placeholders filled per recipient. Every message is an
 * ordinary ledger row (same queue, pacing, scheduling, receipts); the broadcast groups them.
 */
export class BroadcastService {
  readonly #d: BroadcastDeps;

  constructor(deps: BroadcastDeps) {
    this.#d = deps;
  }

  /** Validates everything first, then stores all rows in one transaction and returns at once (no waiting for SENT). */
  async create(input: CreateBroadcastInput): Promise<BroadcastView> {
    const key = checkKey(input.idempotencyKey);
    const sendAt = checkSendAt(input.sendAt);
    const filled = fillRecipients(input.text, input.recipients);
    const { instanceId, session } = await this.#d.queue.sendingInstance(input.instanceId);
    if (key) {
      const first = await this.#d.repo.findByIdempotencyKey(instanceId, key);
      if (first) return this.view(first);
    }
    const rows = filled.map((r) => ({
      ...outboundRow(instanceId, r.chatJid, generateMessageIDV2(session?.deviceJid ?? undefined), 'TEXT'),
      // Checked at send time, like a send accepted while reconnecting: one lookup per row here would hold the call.
      content: { text: r.text, outbox: { to: r.to, resolved: false } },
      quotedId: null,
      ...(sendAt ? { status: 'SCHEDULED' as const, sendAfter: sendAt } : {}),
    }));
    const stored = await this.#d.repo.create({ id: randomUUID(), instanceId, idempotencyKey: key, total: rows.length }, rows);
    if (stored.created) {
      this.#d.ledger.publishRecorded(stored.records);
      this.#d.queue.queued(instanceId, sendAt);
    }
    return this.view(stored.broadcast);
  }

  /** The broadcast, or BROADCAST_NOT_FOUND (also for ids that are not ids). Access is checked by the caller. */
  async get(id: string): Promise<BroadcastRecord> {
    const found = UUID.test(id) ? await this.#d.repo.find(id) : null;
    if (!found) throw new DomainError('BROADCAST_NOT_FOUND', `no broadcast ${id}`, { broadcastId: id });
    return found;
  }

  /**
   * Cancels every message of it still SCHEDULED or QUEUED (each one conditionally, so one a worker
   * takes at the same moment goes and is counted as sent); what already went stays as it is.
   */
  async cancel(id: string): Promise<BroadcastView> {
    const broadcast = await this.get(id);
    const marked = (await this.#d.repo.markCancelled(id, new Date())) ?? broadcast;
    for (const waId of await this.#d.repo.pendingIds(id)) await this.#d.ledger.cancel(broadcast.instanceId, waId);
    return this.view(marked);
  }

  /** WhatsApp ids of its messages (what its progress stream listens for). */
  messageIds(id: string): Promise<string[]> {
    return this.#d.repo.messageIds(id);
  }

  async view(b: BroadcastRecord): Promise<BroadcastView> {
    const c = await this.#d.repo.counts(b.id);
    const scheduled = at(c, 'SCHEDULED');
    const queued = at(c, 'QUEUED', 'SENDING');
    const status: BroadcastStatus = b.cancelledAt ? 'CANCELLED' : scheduled ? 'SCHEDULED' : queued ? 'SENDING' : 'COMPLETED';
    return {
      id: b.id,
      instanceId: b.instanceId,
      status,
      total: b.total,
      scheduled,
      queued,
      sent: at(c, 'SENT', 'DELIVERED', 'READ', 'PLAYED'),
      delivered: at(c, 'DELIVERED', 'READ', 'PLAYED'),
      read: at(c, 'READ', 'PLAYED'),
      failed: at(c, 'FAILED'),
      cancelled: at(c, 'CANCELLED'),
      createdAt: b.createdAt,
      cancelledAt: b.cancelledAt,
    };
  }
}
