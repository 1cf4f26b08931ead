import type { Orm } from './orm.ts';
import { WebhookConfig } from './webhook.entity.ts';

export interface WebhookRecord {
  id: string;
  /** null: every instance the owner may see. */
  instanceId: string | null;
  ownerId: string | null;
  format: string;
  url: string;
  events: string[];
  /** As stored (encrypted); the service decodes it. */
  secret: Buffer;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhook = Pick<WebhookRecord, 'instanceId' | 'ownerId' | 'format' | 'url' | 'events' | 'secret'>;
export type WebhookChanges = Partial<Pick<WebhookRecord, 'url' | 'events' | 'secret'>>;

const bytes = (b: Uint8Array | Buffer) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const record = (row: WebhookConfig): WebhookRecord => ({
  id: row.id,
  instanceId: (row.instance as string | null | undefined) ?? null,
  ownerId: (row.owner as string | null | undefined) ?? null,
  format: row.format,
  url: row.url,
  events: [...row.events],
  secret: bytes(row.secret),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A `text[]` as the driver gives it: parsed, or PostgreSQL's literal (`{A,B}`; event names need no quoting). */
const textArray = (v: string[] | string): string[] => (Array.isArray(v) ? [...v] : v.replace(/^\{|\}$/g, '').split(',').filter(Boolean));

/** A `webhook_config` row as the driver returns it. */
interface WebhookRow {
  id: string;
  instance_id: string | null;
  owner_id: string | null;
  format: string;
  url: string;
  events: string[] | string;
  secret: Uint8Array;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Configured webhooks. Every verb runs on its own fork. */
export class WebhookRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async list(): Promise<WebhookRecord[]> {
    return (await this.#orm.em.fork().find(WebhookConfig, {}, { orderBy: { createdAt: 'asc', id: 'asc' } })).map(record);
  }

  async find(id: string): Promise<WebhookRecord | null> {
    const row = await this.#orm.em.fork().findOne(WebhookConfig, { id });
    return row && record(row);
  }

  /** Every webhook, as the outbox matches events against them (`WebhookDirectory` keeps them). Raw SQL, no fork. */
  async all(): Promise<WebhookRecord[]> {
    const rows = await this.#orm.em.getConnection().execute<WebhookRow[]>('select * from "webhook_config"', [], 'all');
    return rows.map((r) => ({
      id: r.id,
      instanceId: r.instance_id,
      ownerId: r.owner_id,
      format: r.format,
      url: r.url,
      events: textArray(r.events),
      secret: bytes(r.secret),
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
  }

  /** The one webhook of this format bound to this instance (the legacy per-instance config). */
  async findForInstance(instanceId: string, format: string): Promise<WebhookRecord | null> {
    const row = await this.#orm.em.fork().findOne(WebhookConfig, { instance: instanceId, format }, { orderBy: { createdAt: 'asc' } });
    return row && record(row);
  }

  async create(input: NewWebhook): Promise<WebhookRecord> {
    const em = this.#orm.em.fork();
    const { instanceId, ownerId, ...rest } = input;
    const row = em.create(WebhookConfig, { ...rest, instance: instanceId, owner: ownerId });
    await em.flush();
    return record(row);
  }

  /** Null when the webhook is gone. */
  async update(id: string, changes: WebhookChanges): Promise<WebhookRecord | null> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(WebhookConfig, { id });
    if (!row) return null;
    em.assign(row, changes);
    await em.flush();
    return record(row);
  }

  /** Its queued deliveries and dead letters go with it (cascade). */
  async delete(id: string): Promise<boolean> {
    return (await this.#orm.em.fork().nativeDelete(WebhookConfig, { id })) > 0;
  }
}
