import { generateMessageIDV2 } from '@whiskeysockets/baileys';
import type { MessageRecord, MessageRepository, NewMessage } from '../../db/message.repository.ts';
import type { SessionSource, WhatsAppSession } from '../instances/index.ts';
import { DomainError, invalidState, type EventBus, type Logger } from '../shared/index.ts';
import type { MessageLedger } from './ledger.ts';
import { toStoredMessage } from './ledger.ts';
import { checkText, type MessageSender, type MessagingService } from './message-sender.ts';
import { parseRecipient } from './recipients.ts';
import { checkMediaInput, resolveMediaType, stageMedia, type MediaOptions } from './media/media-sender.ts';
import { MediaOutbox } from './media/media-outbox.ts';
import type { SendPacer } from './send-pacer.ts';
import type { SendPauseInfo, SendPauses } from './send-pauses.ts';
import { SendScheduler } from './send-scheduler.ts';
import { sendingInstance, targetNow } from './send-target.ts';
import { PENDING, SendWaiter } from './send-waiter.ts';
import { checkKey, checkSendAt, sleep } from './send-input.ts';
import { detailsOfContext, toBaileysContent, type EnqueueInput, type OutboundContent, type OutboundContext } from './outbound-content.ts';
import { outboundRow, sendFailure } from './outbound-row.ts';
import type { MessageStatus, NumberCheck, OutboxMedia, SendMediaInput, SendResult, SendTextInput, StoredMessage } from './types.ts';

/** Pacing waits at least this long make the worker read its next row again (see `#drain`). */
const RELOOK_MS = 20;
/** Rows a worker reads at once: it sends them in order before it reads again (see `#drain`). */
const READ_AHEAD = 16;
/** Where a media send's kept file is no longer needed. */
const SETTLING = new Set<MessageStatus>(['SENT', 'DELIVERED', 'READ', 'PLAYED', 'FAILED', 'CANCELLED']);

export interface SendQueueDeps {
  sender: MessageSender;
  sessions: SessionSource;
  ledger: MessageLedger;
  repo: MessageRepository;
  events: EventBus;
  logger: Logger;
  /** SEND_WAIT_MS: how long a send call waits for SENT before answering with the message as it is. */
  sendWaitMs: number;
  /** SEND_QUEUE_TTL_SECONDS: a send still QUEUED after this long fails with EXPIRED. */
  queueTtlSeconds: number;
  /** Staging rules and limits of media uploads. */
  media: MediaOptions;
  /** Where queued media files wait until their send settles. */
  outbox: MediaOutbox;
  /** Pacing against bans (SEND_RATE_PER_MINUTE, jitter, per-recipient gap): when each send may go. */
  pacer: SendPacer;
  /** Queues WhatsApp restricted (463, 475): they keep their rows QUEUED and send nothing. Stopped with the queue. */
  pauses: SendPauses;
}

interface Worker {
  again: boolean;
  reread: boolean;
  /**
   * Rows added since the worker's last read, as stored, when every row added since then is one of
   * them (`unknown` false): the worker sends them without reading the queue to learn them.
   */
  appended: MessageRecord[];
  /** A row may have been added that is not in `appended` (a broadcast's, a duplicate's): read again. */
  unknown: boolean;
  done: Promise<void>;
}

/** What the transports do with an instance's queue beside sending. */
export type QueueService = Pick<SendQueue, 'resumeQueue' | 'queuePause' | 'cancelMessage'>;

/**
 * Sends through the ledger: a text or media message is written QUEUED (with its WhatsApp id chosen up front and the
 * client's idempotency key), then one worker per online instance sends its queue in order. The
 * caller waits for SENT up to `sendWaitMs` and gets the stored message as it is then. Rows a crash
 * left SENDING are sent again under the same id, so the recipient sees one message.
 * A media file waits in the media outbox until its send settled.
 */
export class SendQueue implements MessagingService {
  readonly #d: SendQueueDeps;
  readonly #log: Logger;
  /**
   * Instances whose worker runs, whether it was asked to look again meanwhile (`again`), and whether
   * the rows it read ahead may no longer be the queue's next ones (`reread`).
   */
  readonly #workers = new Map<string, Worker>();
  /**
   * Instances whose last worker (or the boot's look, `start`) saw their queue empty, with nothing
   * added since but through a kick that names its row: the next worker starts from those rows
   * instead of reading the queue (at a low rate every send would otherwise read the queue once to
   * find itself in it).
   */
  readonly #knownEmpty = new Set<string>();
  /** Instances kicked while the boot's look at every queue runs (see `start`): what it saw of them may be old. */
  #kickedMeanwhile: Set<string> | undefined;
  readonly #offs: Array<() => void> = [];
  /**
   * Rows this process handed to WhatsApp and whose ack has not been stored yet, per instance: they
   * stay SENDING meanwhile and must not be sent again. Cleared when the instance comes back online
   * (an ack lost with the connection means: send again, under the same id).
   */
  readonly #handed = new Map<string, Set<number>>();
  #expiry: NodeJS.Timeout | undefined;
  /** Queues scheduled sends when their time comes; started and stopped with the queue. */
  readonly #scheduler: SendScheduler;
  #stopping = false;
  /** Ends the workers' pacing waits when the queue stops. */
  readonly #stopped = new AbortController();
  /** Where send calls wait (SEND_WAIT_MS) for their message to settle. */
  readonly #waiter: SendWaiter;

  constructor(deps: SendQueueDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'send-queue' });
    this.#waiter = new SendWaiter({ events: deps.events, get: (instanceId, id) => deps.ledger.get(instanceId, id), waitMs: deps.sendWaitMs });
    this.#scheduler = new SendScheduler({ repo: deps.repo, ledger: deps.ledger, logger: deps.logger, onDue: (instanceId) => this.kick(instanceId, 'reorder') });
  }

  /**
   * Workers start when an instance comes online; queued sends of one that logs out fail at once.
   * Resolves once it knows which queues are empty: an instance whose queue is empty, with nothing
   * added since and no send awaiting its ack, is not read when it comes online (a restore brings
   * hundreds online at once).
   */
  async start(): Promise<void> {
    this.#offs.push(
      this.#d.events.on('instanceStatus', (e) => {
        if (e.status === 'ONLINE') {
          const awaitingAcks = this.#handed.get(e.instanceId)?.size ?? 0;
          this.#handed.delete(e.instanceId);
          if (awaitingAcks > 0 || !this.#knownEmpty.has(e.instanceId)) this.kick(e.instanceId, 'reorder');
        }
        // Scheduled sends outlive a disconnect (they expire if it is not back in time), not a logout.
        if (e.status === 'LOGGED_OUT' || e.status === 'DISCONNECTED') void this.failPending(e.instanceId, e.status === 'LOGGED_OUT' ? 'INSTANCE_LOGGED_OUT' : 'INSTANCE_DISCONNECTED');
      }),
      this.#d.events.on('messageStatus', (e) => {
        if (e.status !== 'SENDING') this.#handed.get(e.instanceId)?.delete(Number(e.message.cursor));
        // A media send that settled no longer needs its file.
        if (e.message.direction === 'OUTBOUND' && e.message.media && SETTLING.has(e.status)) {
          void this.#d.outbox.drop(MediaOutbox.nameOf(e.instanceId, e.messageId)).catch((err) => this.#log.warn({ err }, 'removing a sent media file failed'));
        }
      }),
    );
    void this.sweepMedia().catch((err) => this.#log.warn({ err }, 'sweeping the media outbox failed'));
    const every = Math.min(30_000, this.#d.queueTtlSeconds * 1000);
    this.#expiry = setInterval(() => {
      void this.expire().catch((err) => this.#log.warn({ err }, 'expiring queued sends failed'));
      void this.sweepMedia().catch((err) => this.#log.warn({ err }, 'sweeping the media outbox failed'));
    }, every);
    this.#expiry.unref();
    this.#scheduler.start();
    await this.#learnEmptyQueues();
  }

  async #learnEmptyQueues(): Promise<void> {
    const kicked = (this.#kickedMeanwhile = new Set());
    try {
      for (const id of await this.#d.repo.instancesWithEmptyQueue()) if (!kicked.has(id)) this.#knownEmpty.add(id);
    } catch (err) {
      // Nothing known: every instance's queue is read when it comes online, as it is without this.
      this.#log.warn({ err }, 'looking for empty send queues failed');
    } finally {
      this.#kickedMeanwhile = undefined;
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped.abort();
    this.#d.pauses.stop();
    await this.#scheduler.stop();
    clearInterval(this.#expiry);
    for (const off of this.#offs.splice(0)) off();
    await Promise.all([...this.#workers.values()].map((w) => w.done));
  }

  checkNumbers(instanceId: string, phoneNumbers: string[]): Promise<NumberCheck[]> {
    return this.#d.sender.checkNumbers(instanceId, phoneNumbers);
  }

  async sendText(input: SendTextInput): Promise<SendResult> {
    const text = checkText(input.text);
    const context = input.context;
    const content = context ? { outbound: { type: 'text', text, ...context } as OutboundContent, details: detailsOfContext(context) } : undefined;
    return this.enqueue({ ...input, kind: 'TEXT', text, ...content });
  }

  /**
   * Any kind through the queue: written QUEUED under an id chosen now, sent in order by the
   * instance's worker. `outbound` is what is sent (kept for a re-send under the same id);
   * `details` and `secret` are what the ledger shows and keeps.
   */
  async enqueue(input: EnqueueInput): Promise<SendResult> {
    const key = checkKey(input.idempotencyKey);
    const sendAt = checkSendAt(input.sendAt);
    const { instanceId, session } = await sendingInstance(this.#d.sessions, input);
    if (key) {
      const first = await this.#d.repo.findByIdempotencyKey(instanceId, key);
      if (first) return this.#result(await this.#waiter.wait(toStoredMessage(first), false));
    }
    // Online: the recipient is checked now, with today's errors. Coming back: checked at send time.
    const target = await targetNow(this.#d.sender, session, input.to);
    const recipient = parseRecipient(input.to);
    const chatJid = target?.jid ?? (recipient.kind === 'jid' ? recipient.jid : `${recipient.phoneNumber}@s.whatsapp.net`);
    const outbox = { to: input.to, resolved: !!target, ...(input.typingMs ? { typingMs: input.typingMs } : {}), ...(input.outbound ? { content: input.outbound } : {}) };
    const row: NewMessage = {
      ...outboundRow(instanceId, chatJid, generateMessageIDV2(session?.deviceJid ?? undefined), input.kind),
      content: { text: input.text ?? null, outbox, ...(input.details ? { details: input.details } : {}), ...(input.secret ? { secret: input.secret } : {}), ...(input.media ? { media: input.media } : {}) },
      quotedId: input.outbound?.quote?.id ?? null,
      idempotencyKey: key,
      ...(sendAt ? { status: 'SCHEDULED' as const, sendAfter: sendAt } : {}),
    };
    const { message, record, created } = await this.#d.ledger.recordOutbound(row);
    return this.#result(await this.#afterRecord(message, created ? record : undefined, sendAt));
  }

  /**
   * A stored send: scheduled for later, or handed to the queue and waited for (unless the queue is
   * paused). `created`: the row this call stored (undefined: an earlier call's, found by its key).
   */
  async #afterRecord(message: StoredMessage, created: MessageRecord | undefined, sendAt: Date | null): Promise<StoredMessage> {
    if (sendAt) {
      if (created) this.#scheduler.scheduled(sendAt);
      return message;
    }
    this.kick(message.instanceId, 'appended', created);
    // A paused queue sends nothing for a long while: no use waiting SEND_WAIT_MS for it.
    if (this.#d.pauses.isPaused(message.instanceId)) return message;
    return this.#waiter.wait(message, !!created);
  }

  /**
   * Media rides the same queue: the upload is staged within its kind's limit, typed by its bytes,
   * and kept in the media outbox (DATA_DIR/outbox, owner-only) until the row is SENT, FAILED or
   * CANCELLED, so a restart sends what a crash interrupted, under the same WhatsApp id.
   */
  async sendMedia(input: SendMediaInput): Promise<SendResult> {
    checkMediaInput(input.kind, input.source, input.caption, input.fileName);
    const key = checkKey(input.idempotencyKey);
    const sendAt = checkSendAt(input.sendAt);
    const { instanceId, session } = await sendingInstance(this.#d.sessions, input);
    if (key) {
      const first = await this.#d.repo.findByIdempotencyKey(instanceId, key);
      if (first) return this.#mediaResult(await this.#waiter.wait(toStoredMessage(first), false));
    }
    const target = await targetNow(this.#d.sender, session, input.to);
    const recipient = parseRecipient(input.to);
    const chatJid = target?.jid ?? (recipient.kind === 'jid' ? recipient.jid : `${recipient.phoneNumber}@s.whatsapp.net`);
    const staged = await stageMedia(input.kind, input.source, this.#d.media);
    const waId = generateMessageIDV2(session?.deviceJid ?? undefined);
    const file = MediaOutbox.nameOf(instanceId, waId);
    let row: NewMessage;
    try {
      const type = resolveMediaType(input.kind, staged, input.mimeType);
      const fileName = input.fileName ?? input.source.fileName ?? staged.suggestedName ?? null;
      const caption = input.caption || null;
      const media: OutboxMedia = { file, kind: input.kind, type, caption, fileName };
      row = {
        ...outboundRow(instanceId, chatJid, waId, input.kind),
        content: {
          text: caption,
          media: { kind: input.kind, mimeType: type.mimeType, size: staged.size, fileName, caption },
          outbox: { to: input.to, resolved: !!target, media, ...(input.typingMs ? { typingMs: input.typingMs } : {}), ...(input.context ? { context: input.context } : {}) },
          ...(input.context ? { details: detailsOfContext(input.context) } : {}),
        },
        quotedId: input.context?.quote?.id ?? null,
        idempotencyKey: key,
        ...(sendAt ? { status: 'SCHEDULED' as const, sendAfter: sendAt } : {}),
      };
      await this.#d.outbox.keep(staged, file);
    } catch (err) {
      await staged.discard();
      throw err;
    }
    const stored = await this.#d.ledger.recordOutbound(row).catch(async (err: unknown) => {
      await this.#d.outbox.drop(file);
      throw err;
    });
    // A concurrent call with the same key stored its row first: this copy is not needed.
    if (!stored.created) await this.#d.outbox.drop(file);
    return this.#mediaResult(await this.#afterRecord(stored.message, stored.created ? stored.record : undefined, sendAt));
  }

  /** The non-waiting path for rows stored elsewhere (a broadcast's): the scheduler or the worker takes them from here. */
  queued(instanceId: string, sendAt: Date | null): void {
    sendAt ? this.#scheduler.scheduled(sendAt) : this.kick(instanceId, 'appended');
  }

  /** The sending instance (and its session when online) for a send stored elsewhere; refuses instances not coming back. */
  sendingInstance(instanceId: string): Promise<{ instanceId: string; session: WhatsAppSession | undefined }> {
    return sendingInstance(this.#d.sessions, { instanceId });
  }

  /**
   * Looks at an instance's queue (again) if it is online. `appended`: only rows after every stored
   * one were added (a new send), so rows the worker read ahead are still the next ones; anything
   * else (a scheduled row come due, the instance back online, a resume) may put older rows first.
   * `row`: the appended row as stored, when it is the only one this kick is for.
   */
  kick(instanceId: string, why: 'appended' | 'reorder' = 'reorder', row?: MessageRecord): void {
    this.#kickedMeanwhile?.add(instanceId);
    if (this.#stopping) return;
    const known = why === 'appended' && !!row;
    if (!known) this.#knownEmpty.delete(instanceId);
    const running = this.#workers.get(instanceId);
    if (running) {
      running.again = true;
      if (why === 'reorder') running.reread = true;
      if (known) running.appended.push(row);
      else running.unknown = true;
      return;
    }
    // `again`: a fresh worker has something to look at (the queue, or the row named).
    this.#start(instanceId, { again: true, reread: false, appended: known ? [row] : [], unknown: !known, done: Promise.resolve() });
  }

  #start(instanceId: string, worker: Worker): void {
    this.#workers.set(instanceId, worker);
    worker.done = this.#drain(instanceId, worker)
      .catch((err) => this.#log.error({ err, instanceId }, 'send queue worker failed'))
      .finally(() => {
        this.#workers.delete(instanceId);
        // A kick that came after the worker's last look but before this line set `again` on a
        // worker that had already decided to stop: start another (with what that kick told, and
        // `again`, so that it looks), or that send waits for the next kick.
        if (worker.again && !this.#stopping) this.#start(instanceId, { ...worker, again: true, done: Promise.resolve() });
      });
  }

  /** Lets a queue WhatsApp restricted send again (it does by itself after SEND_RESTRICTED_PAUSE_SECONDS); false when it was not paused. */
  async resumeQueue(instanceId: string): Promise<boolean> {
    return this.#d.pauses.resume(instanceId);
  }

  /**
   * Cancels a send that has not gone to WhatsApp yet (SCHEDULED or QUEUED). Throws
   * MESSAGE_NOT_FOUND, or INVALID_STATE once it is SENDING or further.
   */
  async cancelMessage(instanceId: string, messageId: string): Promise<StoredMessage> {
    const { message, cancelled } = await this.#d.ledger.cancel(instanceId, messageId);
    if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `instance ${instanceId} sent no message ${messageId}`, { instanceId, messageId });
    if (!cancelled) throw invalidState(`message ${messageId} is ${message.status}: only SCHEDULED or QUEUED messages can be cancelled`, { messageId, status: message.status });
    return message;
  }

  /** Why and until when the instance's queue is paused; null when it sends. */
  queuePause(instanceId: string): SendPauseInfo | null {
    return this.#d.pauses.get(instanceId);
  }

  /**
   * Sends the instance's queue in order. Rows are read READ_AHEAD at a time and sent one by one
   * (a row cancelled or expired meanwhile is skipped: the step to SENDING is conditional); the
   * worker reads again when they are used up or may not be the next ones any more. A read that
   * came back short with no kick since says the queue is empty: nothing is read to learn it again.
   */
  async #drain(instanceId: string, worker: Worker): Promise<void> {
    let ahead: MessageRecord[] = [];
    // The last worker left the queue empty and every row added since is in `appended`.
    let emptied = this.#knownEmpty.delete(instanceId) && !worker.unknown;
    /** The highest `seq` this worker read or took: an appended row at or below it was in a read already. */
    let lastSeq = -1;
    for (;;) {
      if (worker.reread) {
        worker.reread = false;
        ahead = [];
        emptied = false;
      }
      // Restricted: the rows wait QUEUED; resuming kicks the queue again (a kick meanwhile is not
      // kept: with `again` left set, the worker would be started again and again while paused).
      if (this.#d.pauses.isPaused(instanceId)) {
        worker.again = false;
        return;
      }
      const session = await this.#d.sessions.onlineSession(instanceId).catch(() => undefined);
      if (!session || this.#stopping) {
        // Kicked while it looked (the instance came back meanwhile): look once more.
        if (worker.again && !this.#stopping) {
          worker.again = false;
          continue;
        }
        return;
      }
      if (!ahead.length) {
        if (emptied && !worker.again && !worker.appended.length) {
          // Left empty: the next worker need not read to learn it, unless a kick says otherwise.
          this.#knownEmpty.add(instanceId);
          return;
        }
        worker.again = false;
        if (emptied && !worker.unknown) {
          // Every row added since the queue was seen empty is here, as stored: no read needed.
          ahead = worker.appended.splice(0).filter((r) => r.seq > lastSeq).sort((a, b) => a.seq - b.seq);
        } else {
          // This read sees every row stored so far; one a kick names from now on may be in it too (`lastSeq`).
          worker.unknown = false;
          worker.appended = [];
          const handed = this.#handedSet(instanceId);
          const rows = await this.#d.repo.nextToSend(instanceId, new Date(), [...handed], READ_AHEAD);
          // Only QUEUED rows wait in memory: one left SENDING by a crash is re-sent as read, at once,
          // and one behind it is read again when its turn comes.
          ahead = rows.filter((r, i) => i === 0 || r.status === 'QUEUED');
          emptied = rows.length < READ_AHEAD && ahead.length === rows.length;
        }
        lastSeq = Math.max(lastSeq, ...ahead.map((r) => r.seq));
        if (!ahead.length) {
          if (worker.again && !this.#stopping) continue;
          if (emptied && !worker.unknown) this.#knownEmpty.add(instanceId);
          return;
        }
      }
      const next = ahead[0]!;
      // Paced: wait for the instance's (and this chat's) turn, then look again, since the queue
      // may have changed meanwhile (a cancel, an earlier row, the connection gone). After a wait
      // shorter than RELOOK_MS the row read before it goes (a cancel meanwhile still wins: the
      // step to SENDING is conditional); a fast pace would otherwise read every row twice.
      const wait = this.#d.pacer.waitMs(instanceId, next.chatJid);
      if (wait > 0) {
        await sleep(wait, this.#stopped.signal);
        if (wait >= RELOOK_MS || this.#stopping) {
          worker.reread = true;
          continue;
        }
      }
      ahead.shift();
      if (!(await this.#sendOne(session, next))) return;
    }
  }

  /** One queued message to WhatsApp. False when the connection went away (it stays for later). */
  async #sendOne(session: WhatsAppSession, row: MessageRecord): Promise<boolean> {
    const outbox = (row.content.outbox ?? {}) as { to?: string; resolved?: boolean; typingMs?: number; direct?: boolean; media?: OutboxMedia; content?: OutboundContent; context?: OutboundContext };
    if (outbox.direct) {
      // A media send from before media was queued, which the process died in: its file is gone.
      await this.#d.ledger.advanceRow(row, 'FAILED', { errorCode: 'SEND_INTERRUPTED', errorMessage: 'the gateway stopped while sending this media message; send it again' });
      return true;
    }
    if (outbox.media && !(await this.#d.outbox.has(outbox.media.file))) {
      await this.#d.ledger.advanceRow(row, 'FAILED', { errorCode: 'MEDIA_GONE', errorMessage: 'the media file of this queued send is no longer in DATA_DIR/outbox; send it again' });
      return true;
    }
    if (row.status === 'SENDING') this.#log.info({ instanceId: row.instanceId, messageId: row.waId }, 're-sending a message left SENDING, under the same id');
    // Moved on meanwhile (expired, cancelled): not ours to send.
    else if (!(await this.#d.ledger.advanceRow(row, 'SENDING', { attempts: row.attempts + 1 }))) return true;
    try {
      const target = outbox.resolved ? { session, jid: row.chatJid } : await this.#d.sender.resolveTarget(session, outbox.to ?? row.chatJid);
      this.#handedSet(row.instanceId).add(row.seq);
      this.#d.pacer.sent(row.instanceId, row.chatJid);
      if (outbox.media) await this.#d.sender.sendMediaFileAs(target, { ...outbox.media, path: this.#d.outbox.pathOf(outbox.media.file) }, row.waId, outbox.typingMs, outbox.context);
      else if (outbox.content) await this.#d.sender.sendContentAs(target, toBaileysContent(outbox.content), row.waId, outbox.typingMs);
      else await this.#d.sender.sendTextAs(target, row.content.text ?? '', row.waId, outbox.typingMs);
      return true;
    } catch (err) {
      // Not handed over after all: it goes again when the instance is back.
      this.#handed.get(row.instanceId)?.delete(row.seq);
      if (err instanceof DomainError && err.code === 'INSTANCE_NOT_CONNECTED') return false;
      await this.#d.ledger.advanceRow(row, 'FAILED', sendFailure(err));
      return true;
    }
  }

  #handedSet(instanceId: string): Set<number> {
    let set = this.#handed.get(instanceId);
    if (!set) this.#handed.set(instanceId, (set = new Set()));
    return set;
  }

  /** Removes outbox files whose send settled or that no row claimed (left by a crash). */
  sweepMedia(): Promise<number> {
    return this.#d.outbox.sweep(async (instanceId, waId) => {
      const row = await this.#d.repo.findByWaId(instanceId, waId);
      return row ? PENDING.has(row.status) : undefined;
    });
  }

  /** QUEUED sends older than the TTL fail with EXPIRED. */
  async expire(now = new Date()): Promise<number> {
    const stale = await this.#d.repo.queuedBefore(new Date(now.getTime() - this.#d.queueTtlSeconds * 1000));
    for (const row of stale) {
      await this.#d.ledger.advanceRow(row, 'FAILED', { errorCode: 'EXPIRED', errorMessage: `still queued after ${this.#d.queueTtlSeconds} s (SEND_QUEUE_TTL_SECONDS)` });
    }
    return stale.length;
  }

  private async failPending(instanceId: string, code: string): Promise<void> {
    for (const row of await this.#d.repo.pendingOf(instanceId, code === 'INSTANCE_LOGGED_OUT')) {
      await this.#d.ledger.advanceRow(row, 'FAILED', { errorCode: code, errorMessage: `the instance is ${code === 'INSTANCE_LOGGED_OUT' ? 'logged out' : 'disconnected'}` });
    }
  }

  #mediaResult(message: StoredMessage): SendResult {
    const m = message.media;
    return { ...this.#result(message), ...(m ? { media: { size: m.size ?? 0, fileName: m.fileName, mimeType: m.mimeType } } : {}) };
  }

  #result(message: StoredMessage): SendResult {
    return { messageId: message.id, instanceId: message.instanceId, to: message.chatJid, timestamp: message.timestamp, message };
  }
}
