import { randomUUID } from 'node:crypto';
import { generateMessageIDV2 } from '@whiskeysockets/baileys';
import type { BroadcastRecord, BroadcastRepository } from '../../db/broadcast.repository.ts';
import type { MessageStatus, NewMessage } from '../../db/message.repository.ts';
import { DomainError, validationFailed, type EventBus } from '../shared/index.ts';
import { CAPTION, fillRecipients, type BroadcastRecipientInput, type FilledRecipient } from './broadcast-template.ts';
import type { MessageLedger } from './ledger.ts';
import { checkMediaInput, resolveMediaType, stageMedia, type MediaOptions, type MediaSource, type SendMediaKind } from './media/media-sender.ts';
import { MediaOutbox } from './media/media-outbox.ts';
import { outboundRow } from './outbound-row.ts';
import type { SendQueue } from './send-queue.ts';
import { checkKey, checkSendAt } from './send-input.ts';
import type { OutboxMedia } from './types.ts';

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

/** A broadcast's file, given as sendMedia takes it; its caption is a template like `text`. */
export interface BroadcastMediaInput {
  kind: SendMediaKind;
  /** Exactly one of url / stream. */
  source: MediaSource;
  caption?: string | null;
  fileName?: string | null;
  mimeType?: string | null;
}

export interface CreateBroadcastInput {
  instanceId: string;
  recipients: readonly BroadcastRecipientInput[];
  /** Exactly one of text and media. */
  text?: string | null;
  media?: BroadcastMediaInput | null;
  sendAt?: Date | null;
  idempotencyKey?: string | null;
}

export interface BroadcastDeps {
  repo: BroadcastRepository;
  ledger: MessageLedger;
  queue: Pick<SendQueue, 'queued' | 'sendingInstance'>;
  events: EventBus;
  /** Staging rules and limits of media files (the same as sendMedia's). */
  media: MediaOptions;
  /** Where a media broadcast's file waits, linked once per row, until each row settles. */
  outbox: MediaOutbox;
}

type BroadcastRow = NewMessage;

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

  /**
   * Validates everything first, then stores all rows in one transaction and returns at once (no
   * waiting for SENT). A media broadcast's file is fetched or received once, typed by its bytes,
   * and shared by every row (see MediaOutbox.keepShared); each row's send uploads it.
   */
  async create(input: CreateBroadcastInput): Promise<BroadcastView> {
    const key = checkKey(input.idempotencyKey);
    const sendAt = checkSendAt(input.sendAt);
    const media = input.media ?? null;
    if ((input.text === undefined || input.text === null) === !media) throw validationFailed('give exactly one of text and media', { field: 'text' });
    if (media) checkMediaInput(media.kind, media.source, media.caption ?? undefined, media.fileName ?? undefined);
    const filled = media ? fillRecipients(media.caption ?? '', input.recipients, CAPTION) : fillRecipients(input.text!, input.recipients);
    const { instanceId, session } = await this.#d.queue.sendingInstance(input.instanceId);
    if (key) {
      const first = await this.#d.repo.findByIdempotencyKey(instanceId, key);
      if (first) return this.view(first);
    }
    const rowOf = (r: FilledRecipient, kind: string, content: NewMessage['content']): BroadcastRow => ({
      ...outboundRow(instanceId, r.chatJid, generateMessageIDV2(session?.deviceJid ?? undefined), kind),
      content,
      quotedId: null,
      ...(sendAt ? { status: 'SCHEDULED' as const, sendAfter: sendAt } : {}),
    });
    // Checked at send time, like a send accepted while reconnecting: one lookup per row here would hold the call.
    const rows = media
      ? await this.#mediaRows(instanceId, media, filled, rowOf)
      : filled.map((r) => rowOf(r, 'TEXT', { text: r.text, outbox: { to: r.to, resolved: false } }));
    const files = media ? rows.map((r) => MediaOutbox.nameOf(instanceId, r.waId)) : [];
    const dropFiles = async () => {
      for (const file of files) await this.#d.outbox.drop(file);
    };
    const stored = await this.#d.repo.create({ id: randomUUID(), instanceId, idempotencyKey: key, total: rows.length }, rows).catch(async (err: unknown) => {
      await dropFiles();
      throw err;
    });
    if (stored.created) {
      this.#d.ledger.publishRecorded(stored.records);
      this.#d.queue.queued(instanceId, sendAt);
    } else {
      // A concurrent call with the same key stored its broadcast first: these links are not needed.
      await dropFiles();
    }
    return this.view(stored.broadcast);
  }

  /** Stages the file once, then links it into the outbox under each row's name; the rows say so. */
  async #mediaRows(instanceId: string, media: BroadcastMediaInput, filled: FilledRecipient[], rowOf: (r: FilledRecipient, kind: string, content: NewMessage['content']) => BroadcastRow): Promise<BroadcastRow[]> {
    const staged = await stageMedia(media.kind, media.source, this.#d.media);
    let rows: BroadcastRow[];
    try {
      const type = resolveMediaType(media.kind, staged, media.mimeType ?? undefined);
      const fileName = media.fileName ?? media.source.fileName ?? staged.suggestedName ?? null;
      rows = filled.map((r) => {
        const caption = r.text || null;
        const row = rowOf(r, media.kind, {});
        const file: OutboxMedia = { file: MediaOutbox.nameOf(instanceId, row.waId), kind: media.kind, type, caption, fileName };
        row.content = { text: caption, media: { kind: media.kind, mimeType: type.mimeType, size: staged.size, fileName, caption }, outbox: { to: r.to, resolved: false, media: file } };
        return row;
      });
    } catch (err) {
      await staged.discard();
      throw err;
    }
    await this.#d.outbox.keepShared(staged, rows.map((r) => MediaOutbox.nameOf(instanceId, r.waId)));
    return rows;
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
