import type { Config } from '../../config.ts';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { ClaimedDelivery, WebhookOutboxRepository } from '../../db/webhook-outbox.repository.ts';
import type { Logger } from '../shared/index.ts';
import { backoffDelay } from '../instances/index.ts';
import type { WebhookFormat } from './webhook-format.ts';
import { postWebhook } from './webhook-sender.ts';

export type DispatcherOptions = Config['webhooks'];

export interface DispatcherDeps {
  repo: WebhookOutboxRepository;
  codec: AuthValueCodec;
  logger: Logger;
  options: DispatcherOptions;
  formats: ReadonlyMap<string, WebhookFormat>;
  /** Hears the result of every attempt (metrics). */
  onResult?(result: 'delivered' | 'retry' | 'failed' | 'gave_up'): void;
}

/** Rows held by this process at once (waiting for their target or being sent). */
const MAX_CLAIMED = 64;
const PRUNE_EVERY_MS = 3_600_000;

interface Claim {
  row: ClaimedDelivery;
  target: string;
  done: Promise<void>;
  settle(): void;
}

/**
 * Drains the webhook outbox: claims due rows (an ordered webhook's next row only once the ones
 * before it are gone), POSTs them with at most `concurrencyPerTarget` requests in flight per target
 * origin (a slow receiver is not flooded, and does not starve the others beyond its share), and
 * reschedules failures with capped exponential backoff and jitter. What runs out of attempts, or
 * is refused for good, becomes a dead letter. New rows are sent at once (`kick`); retries are found
 * by a poll, which also prunes old dead letters.
 */
export class WebhookDispatcher {
  private readonly deps: DispatcherDeps;
  private readonly log: Logger;
  private readonly claimed = new Map<string, Claim>();
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Claim[]>();
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private again = false;
  private prunedAt = 0;
  private stopping: Promise<void> | undefined;

  constructor(deps: DispatcherDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'webhooks' });
  }

  /** A claim outlives one attempt comfortably; if this process dies mid-send the row is due again after it. */
  private get leaseMs(): number {
    return Math.max(60_000, this.deps.options.timeoutMs * 4);
  }

  start(): void {
    if (this.timer || this.stopping) return;
    this.timer = setInterval(() => {
      this.kick();
      this.prune();
    }, this.deps.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Look for due rows now; coalesces with a pass already running. */
  kick(): void {
    if (this.stopping) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.claimAndSend()
      .catch((err) => this.log.error({ err }, 'reading the webhook outbox failed'))
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claimAndSend(): Promise<void> {
    const room = MAX_CLAIMED - this.claimed.size;
    if (room <= 0) return;
    const rows = await this.deps.repo.claimDue(room, this.leaseMs, new Set(this.claimed.keys()));
    for (const row of rows) {
      const { promise, resolve } = Promise.withResolvers<void>();
      const claim: Claim = { row, target: originOf(row.url), done: promise, settle: resolve };
      this.claimed.set(row.id, claim);
      const queue = this.waiting.get(claim.target) ?? [];
      queue.push(claim);
      this.waiting.set(claim.target, queue);
      this.drain(claim.target);
    }
  }

  /** Starts as many of this target's waiting rows as its concurrency allows. */
  private drain(target: string): void {
    const queue = this.waiting.get(target);
    while (queue?.length && (this.active.get(target) ?? 0) < this.deps.options.concurrencyPerTarget) {
      const claim = queue.shift()!;
      this.active.set(target, (this.active.get(target) ?? 0) + 1);
      void this.attempt(claim.row)
        .catch((err) => this.log.error({ err, deliveryId: claim.row.id }, 'webhook delivery bookkeeping failed'))
        .finally(() => {
          const n = (this.active.get(target) ?? 1) - 1;
          if (n) this.active.set(target, n);
          else this.active.delete(target);
          this.claimed.delete(claim.row.id);
          claim.settle();
          this.drain(target);
          this.kick();
        });
    }
    if (queue && !queue.length) this.waiting.delete(target);
  }

  private async attempt(row: ClaimedDelivery): Promise<void> {
    const { repo, codec, options } = this.deps;
    if (this.shutdown.signal.aborted) return repo.release(row.id);
    const format = this.deps.formats.get(row.format);
    const log = { deliveryId: row.id, eventId: row.eventId, webhookId: row.webhookId, instanceId: row.instanceId, target: originOf(row.url) };
    if (!format) {
      this.log.error({ ...log, format: row.format }, 'webhook has a format this gateway does not know; delivery kept as failed');
      return repo.deadLetter(row.id, row.attempts, `unknown webhook format ${row.format}`);
    }
    const body = Buffer.from(String(codec.decode(row.body)), 'utf8');
    const headers = format.sign(String(codec.decode(row.secret)), body, new Date());
    const outcome = await postWebhook(row.url, body, headers, { allowPrivate: options.allowPrivateUrls, timeoutMs: options.timeoutMs, signal: this.shutdown.signal });
    if (outcome.ok) {
      this.deps.onResult?.('delivered');
      return repo.delivered(row.id);
    }
    // Shutdown cut this attempt short: it does not count, and the next start sends it again.
    if (this.shutdown.signal.aborted) return repo.release(row.id);
    const attempts = row.attempts + 1;
    this.deps.onResult?.(!outcome.retry ? 'failed' : attempts >= options.maxAttempts ? 'gave_up' : 'retry');
    if (!outcome.retry) {
      this.log.warn({ ...log, attempts, error: outcome.error }, 'webhook delivery refused for good; kept as failed');
      return repo.deadLetter(row.id, attempts, outcome.error);
    }
    if (attempts >= options.maxAttempts) {
      await repo.deadLetter(row.id, attempts, outcome.error);
      // The receiver has been failing for the whole backoff; what queued behind this row would
      // each wait out the same schedule first. They become dead letters now, in order, for one
      // replay, and new events start afresh.
      const behind = row.ordered ? await repo.deadLetterQueue(row.webhookId, row.instanceId, row.seq, `not attempted: an earlier delivery failed after ${attempts} attempts (${outcome.error})`) : 0;
      this.log.warn({ ...log, attempts, error: outcome.error, alsoFailed: behind }, 'webhook delivery gave up after the last attempt; kept as failed');
      return;
    }
    const delay = backoffDelay(attempts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, jitter: 0.2 });
    this.log.info({ ...log, attempts, error: outcome.error, retryInMs: delay }, 'webhook delivery failed; retrying later');
    await repo.retryLater(row.id, attempts, new Date(Date.now() + delay), outcome.error);
  }

  /** Drops dead letters older than the retention, at most hourly. */
  private prune(): void {
    const days = this.deps.options.deadLetterRetentionDays;
    if (!days || Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    void this.deps.repo
      .pruneDeadLetters(new Date(Date.now() - days * 86_400_000))
      .then((n) => n && this.log.info({ pruned: n, retentionDays: days }, 'pruned old failed webhook deliveries'))
      .catch((err) => this.log.warn({ err }, 'pruning failed webhook deliveries failed'));
  }

  /** Stops polling, cuts in-flight requests short and hands their rows back. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer);
      this.shutdown.abort();
      await this.pass;
      // Rows still waiting for their target go back untouched.
      for (const [target, queue] of this.waiting) {
        this.waiting.delete(target);
        for (const claim of queue) {
          await this.deps.repo.release(claim.row.id).catch(() => undefined);
          this.claimed.delete(claim.row.id);
          claim.settle();
        }
      }
      await Promise.all([...this.claimed.values()].map((c) => c.done));
    })();
    return this.stopping;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
