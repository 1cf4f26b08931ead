import type { WebhookRecord, WebhookRepository } from '../../db/webhook.repository.ts';

/**
 * How long the configured webhooks are kept before they are read again. Changes made through this
 * process apply at once (`changed`); changes made elsewhere (another gateway on the same database)
 * apply to events published after at most this long.
 */
export const WEBHOOK_DIRECTORY_TTL_MS = 1_000;

/**
 * The configured webhooks as the outbox matches events against them. The outbox asks for every
 * batch of events (several per send), mostly to learn there are none: one read of the whole table,
 * kept until a webhook is changed here (or a write with it failed), or for WEBHOOK_DIRECTORY_TTL_MS,
 * instead of one statement per batch.
 */
export class WebhookDirectory {
  readonly #repo: Pick<WebhookRepository, 'all'>;
  readonly #ttlMs: number;
  #all: Promise<WebhookRecord[]> | undefined;
  #readAt = 0;

  constructor(repo: Pick<WebhookRepository, 'all'>, ttlMs = WEBHOOK_DIRECTORY_TTL_MS) {
    this.#repo = repo;
    this.#ttlMs = ttlMs;
  }

  /** The webhooks an event of these instances may go to: theirs, and every instance-wide one. */
  async forInstances(instanceIds: readonly string[]): Promise<WebhookRecord[]> {
    if (!this.#all || performance.now() - this.#readAt > this.#ttlMs) {
      const read = this.#repo.all();
      this.#all = read;
      this.#readAt = performance.now();
      // A failed read is not kept: the next batch reads again.
      read.catch(() => this.#all === read && this.changed());
    }
    const ids = new Set(instanceIds);
    return (await this.#all).filter((h) => h.instanceId === null || ids.has(h.instanceId));
  }

  /** A webhook was created, changed or deleted (call once it is committed): the next batch reads them again. */
  changed(): void {
    this.#all = undefined;
  }
}
