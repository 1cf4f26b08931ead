import type { Config } from '../../config.ts';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { WebhookDeliveryRecord, WebhookRepository } from '../../db/webhook.repository.ts';
import type { Logger } from '../shared/index.ts';
import { backoffDelay } from '../instances/index.ts';
import { postWebhook } from './webhook-sender.ts';

export type DispatcherOptions = Config['webhooks'];

export interface DispatcherDeps {
  repo: WebhookRepository;
  codec: AuthValueCodec;
  logger: Logger;
  options: DispatcherOptions;
  /** The instance's current secret (rotating it re-signs what is still queued). */
  secretFor(instanceId: string): Promise<string | null>;
}

/** Rows held by this process at once (waiting for their target or being sent). */
const MAX_CLAIMED = 64;

interface Claim {
  row: WebhookDeliveryRecord;
  target: string;
  done: Promise<void>;
  settle(): void;
}

/**
 * Drains the webhook outbox: claims due rows, POSTs them with at most `concurrencyPerTarget`
 * requests in flight per target origin (a slow receiver is not flooded, and does not starve the
 * others beyond its share), and reschedules failures with capped exponential backoff and jitter.
 * New rows are sent at once (`kick`); retries are found by a poll.
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
    this.timer = setInterval(() => this.kick(), this.deps.options.pollMs);
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

  private async attempt(row: WebhookDeliveryRecord): Promise<void> {
    const { repo, codec, options } = this.deps;
    if (this.shutdown.signal.aborted) return repo.release(row.id);
    const body = Buffer.from(String(codec.decode(row.body)), 'utf8');
    const secret = await this.deps.secretFor(row.instanceId);
    const outcome = await postWebhook(row.url, body, secret, { allowPrivate: options.allowPrivateUrls, timeoutMs: options.timeoutMs, signal: this.shutdown.signal });
    if (outcome.ok) return repo.delivered(row.id);
    // Shutdown cut this attempt short: it does not count, and the next start sends it again.
    if (this.shutdown.signal.aborted) return repo.release(row.id);
    const attempts = row.attempts + 1;
    const log = { deliveryId: row.id, instanceId: row.instanceId, target: originOf(row.url), attempts, error: outcome.error };
    if (!outcome.retry || attempts >= options.maxAttempts) {
      this.log.warn(log, outcome.retry ? 'webhook delivery gave up after the last attempt' : 'webhook delivery failed for good');
      return repo.delivered(row.id);
    }
    const delay = backoffDelay(attempts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, jitter: 0.2 });
    this.log.info({ ...log, retryInMs: delay }, 'webhook delivery failed; retrying later');
    await repo.retryLater(row.id, attempts, new Date(Date.now() + delay), outcome.error);
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
