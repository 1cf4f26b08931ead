import type { Orm } from './orm.ts';
import { WebhookConfig, WebhookDelivery } from './webhook.entity.ts';

export interface WebhookConfigRecord {
  instanceId: string;
  url: string;
  /** As stored (encrypted); the service decodes it. */
  secret: Buffer;
}

export interface WebhookDeliveryRecord {
  id: string;
  instanceId: string;
  url: string;
  body: Buffer;
  attempts: number;
}

const bytes = (b: Uint8Array | Buffer) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Webhook configs and the delivery outbox. Every verb runs on its own fork. */
export class WebhookRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async findConfig(instanceId: string): Promise<WebhookConfigRecord | null> {
    const row = await this.#orm.em.fork().findOne(WebhookConfig, { instance: instanceId });
    return row && { instanceId, url: row.url, secret: bytes(row.secret) };
  }

  async saveConfig(instanceId: string, url: string, secret: Buffer): Promise<void> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(WebhookConfig, { instance: instanceId });
    if (row) em.assign(row, { url, secret });
    else em.create(WebhookConfig, { instance: instanceId, url, secret });
    await em.flush();
  }

  async enqueue(input: { instanceId: string; url: string; body: Buffer }): Promise<void> {
    const em = this.#orm.em.fork();
    em.create(WebhookDelivery, { instance: input.instanceId, url: input.url, body: input.body, attempts: 0, nextAttemptAt: new Date() });
    await em.flush();
  }

  /**
   * Due rows, each claimed by moving `nextAttemptAt` to `now + leaseMs` only if nobody moved it
   * first: two gateways on one database never send the same row at once, and a row whose sender
   * died becomes due again when the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number, skip: ReadonlySet<string>): Promise<WebhookDeliveryRecord[]> {
    const em = this.#orm.em.fork();
    const now = new Date();
    const due = await em.find(
      WebhookDelivery,
      { nextAttemptAt: { $lte: now }, ...(skip.size ? { id: { $nin: [...skip] } } : {}) },
      { orderBy: { nextAttemptAt: 'asc', createdAt: 'asc' }, limit },
    );
    const claimed: WebhookDeliveryRecord[] = [];
    const lease = new Date(now.getTime() + leaseMs);
    for (const row of due) {
      const won = await em.nativeUpdate(WebhookDelivery, { id: row.id, nextAttemptAt: row.nextAttemptAt }, { nextAttemptAt: lease });
      if (won === 1) claimed.push({ id: row.id, instanceId: row.instance as unknown as string, url: row.url, body: bytes(row.body), attempts: row.attempts });
    }
    return claimed;
  }

  async delivered(id: string): Promise<void> {
    await this.#orm.em.fork().nativeDelete(WebhookDelivery, { id });
  }

  async retryLater(id: string, attempts: number, nextAttemptAt: Date, lastError: string): Promise<void> {
    await this.#orm.em.fork().nativeUpdate(WebhookDelivery, { id }, { attempts, nextAttemptAt, lastError });
  }

  /** Puts a claimed row back as it was (shutdown interrupted its attempt). */
  async release(id: string): Promise<void> {
    await this.#orm.em.fork().nativeUpdate(WebhookDelivery, { id }, { nextAttemptAt: new Date() });
  }

  async pendingCount(): Promise<number> {
    return this.#orm.em.fork().count(WebhookDelivery, {});
  }
}
