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
  /** What `#all` resolved to, while it is the current read. */
  #known: WebhookRecord[] | undefined;

  constructor(repo: Pick<WebhookRepository, 'all'>, ttlMs = WEBHOOK_DIRECTORY_TTL_MS) {
    this.#repo = repo;
    this.#ttlMs = ttlMs;
  }

  /** The webhooks an event of these instances may go to: theirs, and every instance-wide one. */
  async forInstances(instanceIds: readonly string[]): Promise<WebhookRecord[]> {
    if (!this.#all || performance.now() - this.#readAt > this.#ttlMs) {
      const read = this.#repo.all();
      this.#all = read;
      this.#known = undefined;
      this.#readAt = performance.now();
      read.then(
        (hooks) => {
          if (this.#all === read) this.#known = hooks;
        },
        // A failed read is not kept: the next batch reads again.
        () => this.#all === read && this.changed(),
      );
    }
    const ids = new Set(instanceIds);
    return (await this.#all).filter((h) => h.instanceId === null || ids.has(h.instanceId));
  }

  /**
   * False only when the webhooks as last read (within the TTL) hold none for `type` that an event
   * of this instance could go to: then nothing need be made of the event. Every status step of
   * every send is an event, and making each a webhook event (its id a SHA-256, its data) cost ≈ 1 %
   * of a send's CPU in the gateway bench, where no webhook is configured. True when unsure (no read
   * yet, or an old one): the outbox's own match, which reads them again, decides.
   */
  mayWant(type: string, instanceId: string): boolean {
    if (!this.#known || performance.now() - this.#readAt > this.#ttlMs) return true;
    return this.#known.some((h) => (h.instanceId === null || h.instanceId === instanceId) && h.events.includes(type));
  }

  /** A webhook was created, changed or deleted (call once it is committed): the next batch reads them again. */
  changed(): void {
    this.#all = undefined;
    this.#known = undefined;
  }
}
