import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { NewDelivery, WebhookOutboxRepository } from '../../db/webhook-outbox.repository.ts';
import type { WebhookRecord } from '../../db/webhook.repository.ts';
import type { WebhookDirectory } from './webhook-directory.ts';
import type { Logger } from '../shared/index.ts';
import type { WebhookEvent } from './webhook-events.ts';
import type { WebhookFormat } from './webhook-format.ts';

export interface OutboxWriterDeps {
  webhooks: WebhookDirectory;
  outbox: WebhookOutboxRepository;
  codec: AuthValueCodec;
  formats: ReadonlyMap<string, WebhookFormat>;
  logger: Logger;
  /** For webhooks without an instance: may their owner see this instance now? Built once per batch. */
  visibility(): (ownerId: string, instanceId: string) => Promise<boolean>;
  /** Told after rows were written, so they go out at once. */
  written(): void;
  retryMs: number;
}

/** Events held in memory while the database is unreachable; beyond this the oldest are dropped (and logged). */
const MAX_BUFFERED = 100_000;
const MAX_BATCH = 500;

/**
 * Turns events into outbox rows without holding up whoever published them: `add` only queues in
 * memory; one writer at a time takes everything queued, matches it against the webhooks and writes
 * it in one INSERT. Under a burst the batches grow instead of the queries multiplying, and rows are
 * written in publish order (their `seq` is the delivery order).
 */
export class OutboxWriter {
  private readonly deps: OutboxWriterDeps;
  private readonly log: Logger;
  private queue: WebhookEvent[] = [];
  private writing: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** While set, events queue up but are not written (the start-up catch-up goes first). */
  private held = false;

  constructor(deps: OutboxWriterDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'webhooks' });
  }

  add(event: WebhookEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    if (this.queue.length > MAX_BUFFERED) {
      const dropped = this.queue.shift()!;
      this.log.error({ eventId: dropped.id, type: dropped.type, instanceId: dropped.instanceId }, 'webhook event buffer full (database unreachable?); dropped the oldest event');
    }
    this.schedule();
  }

  /** Queue without writing until `release`. */
  hold(): void {
    this.held = true;
  }

  /**
   * Puts `first` (older events, in order) ahead of what queued meanwhile, dropping queued events
   * that are among them (the same message heard live and caught up), and starts writing.
   */
  release(first: WebhookEvent[] = []): void {
    const ids = new Set(first.map((e) => e.id));
    this.queue = [...first, ...this.queue.filter((e) => !ids.has(e.id))];
    this.held = false;
    if (this.queue.length) this.schedule();
  }

  /** Writes what is queued; resolves once the queue is empty (or the database refused it). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.queue.length) {
      this.schedule();
      await this.writing;
    }
  }

  /** Writes what is left, then takes no more. Idempotent. */
  async stop(): Promise<void> {
    // No new events and no retry timer from here on; one last attempt to write what is queued.
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.flush();
  }

  private schedule(): void {
    if (this.writing || this.retry || this.held) return;
    this.writing = this.writeAll().finally(() => (this.writing = undefined));
  }

  private async writeAll(): Promise<void> {
    // Let the events of the same Baileys batch join this one.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const batch = this.queue.slice(0, MAX_BATCH);
      try {
        const written = await this.write(batch);
        this.queue.splice(0, batch.length);
        // No rows (no webhook wants these events): nothing for the dispatcher to look for.
        if (written) this.deps.written();
      } catch (err) {
        this.log.error({ err, queued: this.queue.length }, 'writing webhook events to the outbox failed; retrying');
        // It may have named a webhook deleted elsewhere: the retry reads them again.
        this.deps.webhooks.changed();
        if (!this.stopped) {
          this.retry = setTimeout(() => {
            this.retry = undefined;
            this.schedule();
          }, this.deps.retryMs);
          this.retry.unref();
        }
        return;
      }
    }
  }

  /** Writes the rows the batch makes; returns how many. */
  private async write(batch: WebhookEvent[]): Promise<number> {
    // How far the ledger's inbound messages are taken, written with the rows (webhooks or not).
    const cursors = batch.flatMap((e) => (e.type === 'MESSAGE_RECEIVED' && e.data.cursor ? [Number(e.data.cursor)] : []));
    const receivedUpTo = cursors.length ? Math.max(...cursors) : undefined;
    const hooks = await this.deps.webhooks.forInstances([...new Set(batch.map((e) => e.instanceId))]);
    const mayOwnerSee = this.deps.visibility();
    const rows: NewDelivery[] = [];
    for (const event of batch) {
      for (const hook of hooks) {
        if (!hook.events.includes(event.type) || !(await this.reaches(hook, event.instanceId, mayOwnerSee))) continue;
        const format = this.deps.formats.get(hook.format);
        const body = format?.render(event);
        if (!format || body == null) continue;
        rows.push({ webhookId: hook.id, instanceId: event.instanceId, eventId: event.id, event: event.type, ordered: format.ordered, body: this.deps.codec.encode(body) });
      }
    }
    await this.deps.outbox.enqueue(rows, receivedUpTo);
    return rows.length;
  }

  private async reaches(hook: WebhookRecord, instanceId: string, mayOwnerSee: (ownerId: string, instanceId: string) => Promise<boolean>): Promise<boolean> {
    if (hook.instanceId) return hook.instanceId === instanceId;
    return !!hook.ownerId && mayOwnerSee(hook.ownerId, instanceId);
  }
}
