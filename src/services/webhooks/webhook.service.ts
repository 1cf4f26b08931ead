import { randomBytes } from 'node:crypto';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { Orm } from '../../db/orm.ts';
import { WebhookOutboxRepository, type DeliveryRecord, type DeliveryState } from '../../db/webhook-outbox.repository.ts';
import { WebhookRepository, type WebhookRecord } from '../../db/webhook.repository.ts';
import { InstanceAccess, type AuthService, type Principal } from '../auth/index.ts';
import type { InstanceService } from '../instances/index.ts';
import type { MessageLedger } from '../messaging/index.ts';
import { DomainError, validationFailed, type EventBus, type Logger, type Metrics } from '../shared/index.ts';
import { WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher.ts';
import { onWebhookEvents, toWebhookEvent, WEBHOOK_EVENTS, type WebhookEvent, type WebhookEventName } from './webhook-events.ts';
import { WAMUX_FORMAT_NAME, wamuxFormat, type WebhookFormat } from './webhook-format.ts';
import { WebhookDirectory } from './webhook-directory.ts';
import { OutboxWriter } from './webhook-outbox.ts';
import { checkWebhookUrl } from './webhook-url.ts';

export interface WebhookServiceDeps {
  orm: Orm;
  events: EventBus;
  instances: InstanceService;
  auth: AuthService;
  logger: Logger;
  /** Encrypts the secrets and the queued bodies at rest. */
  codec: AuthValueCodec;
  options: DispatcherOptions;
  /** Wire formats besides wamux's own (the legacy module's). */
  formats?: WebhookFormat[];
  /** Counts delivery attempts by result when given. */
  metrics?: Metrics;
  /** Where inbound messages are stored; at start, those that never reached the outbox are caught up from it. */
  ledger?: Pick<MessageLedger, 'inboundAfter'>;
}

/** Who is asking: webhooks and their deliveries are visible by the instance rules. */
export interface WebhookCaller {
  principal: Principal;
  access: InstanceAccess;
}

export type WebhookView = Omit<WebhookRecord, 'secret' | 'events'> & { events: WebhookEventName[] };
export type DeliveryView = Omit<DeliveryRecord, 'event' | 'seq'> & { event: WebhookEventName; cursor: string };

export interface DeliveryPage {
  nodes: DeliveryView[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const MAX_SECRET = 256;
const MIN_SECRET = 16;
const DEFAULT_PAGE = 50;
const CATCH_UP_PAGE = 500;
const MAX_PAGE = 500;

const notFound = (id: string) => new DomainError('WEBHOOK_NOT_FOUND', `webhook ${id} not found`, { webhookId: id });
const newSecret = () => randomBytes(32).toString('hex');
const cursorOf = (seq: number) => Buffer.from(`d:${seq}`).toString('base64url');

function seqOf(cursor: string): number {
  const m = /^d:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw validationFailed('after is not a cursor from webhookDeliveries', { field: 'after' });
  return Number(m[1]);
}

function checkEvents(events: readonly string[]): WebhookEventName[] {
  const unique = [...new Set(events)];
  if (!unique.length) throw validationFailed('events must name at least one event', { field: 'events' });
  const unknown = unique.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length) throw validationFailed(`unknown webhook events: ${unknown.join(', ')}`, { field: 'events' });
  return unique as WebhookEventName[];
}

function checkSecret(secret: string, min = MIN_SECRET): string {
  if (secret.length < min || secret.length > MAX_SECRET) throw validationFailed(`secret must be ${min} to ${MAX_SECRET} characters`, { field: 'secret' });
  return secret;
}

/**
 * Webhooks for every event: their configuration (owner rules as for instances), the outbox each
 * matching event is written to before any attempt, delivery with retries and per-instance order,
 * dead letters and their replay. The legacy SUDEVWA webhook is a webhook of another format.
 */
export class WebhookService {
  private readonly deps: WebhookServiceDeps;
  private readonly log: Logger;
  private readonly repo: WebhookRepository;
  private readonly outbox: WebhookOutboxRepository;
  private readonly formats: ReadonlyMap<string, WebhookFormat>;
  private readonly writer: OutboxWriter;
  /** The webhooks the writer matches events against; told of every change made here. */
  private readonly directory: WebhookDirectory;
  private readonly dispatcher: WebhookDispatcher;
  private unsubscribe: Array<() => void> = [];
  private catchingUp: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(deps: WebhookServiceDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'webhooks' });
    this.repo = new WebhookRepository(deps.orm);
    this.outbox = new WebhookOutboxRepository(deps.orm);
    this.formats = new Map([wamuxFormat, ...(deps.formats ?? [])].map((f) => [f.name, f]));
    this.dispatcher = new WebhookDispatcher({
      repo: this.outbox,
      codec: deps.codec,
      logger: deps.logger,
      options: deps.options,
      formats: this.formats,
      onResult: (result) => deps.metrics?.webhookDeliveries.inc({ result }),
    });
    this.directory = new WebhookDirectory(this.repo);
    this.writer = new OutboxWriter({
      webhooks: this.directory,
      outbox: this.outbox,
      codec: deps.codec,
      formats: this.formats,
      logger: deps.logger,
      visibility: () => this.ownerVisibility(),
      written: () => this.dispatcher.kick(),
      retryMs: deps.options.pollMs,
    });
  }

  /**
   * Listens for events and starts draining the outbox (including what a previous run left). Inbound
   * messages the ledger stored after the outbox's watermark (a crash between the two) are queued
   * first, in ledger order, ahead of anything heard live meanwhile.
   */
  start(): void {
    if (this.unsubscribe.length || this.stopping) return;
    this.writer.hold();
    // A received message always goes to the writer: its cursor is the outbox's watermark, webhooks or not.
    this.unsubscribe = onWebhookEvents(this.deps.events, (event) => this.writer.add(event), (type, instanceId) => type === 'MESSAGE_RECEIVED' || this.directory.mayWant(type, instanceId));
    this.dispatcher.start();
    this.catchingUp = this.catchUp();
  }

  async list(caller: WebhookCaller): Promise<WebhookView[]> {
    const all = await this.repo.list();
    const visible = await Promise.all(all.map((w) => this.visible(caller, w)));
    return all.filter((_, i) => visible[i]).map((w) => this.view(w));
  }

  /**
   * `instanceId` omitted: every instance the caller may see, now and later. The secret is returned
   * here only (generated when not given). Throws INSTANCE_NOT_FOUND, FORBIDDEN, VALIDATION_FAILED.
   */
  async create(caller: WebhookCaller, input: { instanceId?: string | null; url: string; events: readonly string[]; secret?: string | null }): Promise<{ webhook: WebhookView; secret: string }> {
    const url = checkWebhookUrl(input.url, this.deps.options.allowPrivateUrls);
    const events = checkEvents(input.events);
    const secret = input.secret == null ? newSecret() : checkSecret(input.secret);
    if (input.instanceId) await this.requireInstance(caller, input.instanceId);
    const row = await this.changing(this.repo.create({
      instanceId: input.instanceId ?? null,
      ownerId: caller.principal.userId,
      format: WAMUX_FORMAT_NAME,
      url,
      events,
      secret: this.deps.codec.encode(secret),
    }));
    return { webhook: this.view(row), secret };
  }

  /** A new secret signs what is still queued too. Throws WEBHOOK_NOT_FOUND, VALIDATION_FAILED. */
  async update(caller: WebhookCaller, id: string, changes: { url?: string | null; events?: readonly string[] | null; secret?: string | null }): Promise<WebhookView> {
    await this.requireVisible(caller, id);
    const row = await this.changing(this.repo.update(id, {
      ...(changes.url != null ? { url: checkWebhookUrl(changes.url, this.deps.options.allowPrivateUrls) } : {}),
      ...(changes.events != null ? { events: checkEvents(changes.events) } : {}),
      ...(changes.secret != null ? { secret: this.deps.codec.encode(checkSecret(changes.secret)) } : {}),
    }));
    if (!row) throw notFound(id);
    return this.view(row);
  }

  /** Deletes the webhook with its queued deliveries and dead letters. Throws WEBHOOK_NOT_FOUND. */
  async delete(caller: WebhookCaller, id: string): Promise<void> {
    await this.requireVisible(caller, id);
    if (!(await this.changing(this.repo.delete(id)))) throw notFound(id);
  }

  /** Queued (PENDING) and given-up (FAILED) deliveries, oldest event first. Throws WEBHOOK_NOT_FOUND, VALIDATION_FAILED. */
  async deliveries(caller: WebhookCaller, webhookId: string, opts: { status?: DeliveryState | null; first?: number | null; after?: string | null }): Promise<DeliveryPage> {
    await this.requireVisible(caller, webhookId);
    const first = opts.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw validationFailed(`first must be 1 to ${MAX_PAGE}`, { field: 'first' });
    const rows = await this.outbox.list(webhookId, { first, ...(opts.status ? { status: opts.status } : {}), ...(opts.after ? { afterSeq: seqOf(opts.after) } : {}) });
    const nodes = rows.slice(0, first).map(({ seq, event, ...r }) => ({ ...r, event: event as WebhookEventName, cursor: cursorOf(seq) }));
    return { nodes, hasNextPage: rows.length > first, endCursor: nodes.at(-1)?.cursor ?? null };
  }

  /**
   * Puts failed deliveries back in the outbox, due now, in their original order: `ids`, or those of
   * events since `since`, or all. Returns how many. Throws WEBHOOK_NOT_FOUND.
   */
  async replay(caller: WebhookCaller, webhookId: string, filter: { ids?: readonly string[] | null; since?: Date | null }): Promise<number> {
    await this.requireVisible(caller, webhookId);
    const ids = filter.ids ? [...new Set(filter.ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id)) : undefined;
    const replayed = await this.outbox.replay(webhookId, { ...(ids ? { ids } : {}), ...(filter.since ? { since: filter.since } : {}) });
    if (replayed) this.dispatcher.kick();
    return replayed;
  }

  /**
   * The instance's one webhook of `format` (the legacy per-instance config): created or changed in
   * place. `secret` omitted keeps the current one, or generates 32 random bytes (hex). Throws
   * INSTANCE_NOT_FOUND, VALIDATION_FAILED (details.reason: {@link WebhookUrlProblem}, or field `secret`).
   */
  async setInstanceWebhook(instanceId: string, format: string, input: { url?: unknown; secret?: unknown }): Promise<{ instanceId: string; url: string; secret: string }> {
    const url = checkWebhookUrl(input.url, this.deps.options.allowPrivateUrls);
    if (input.secret !== undefined && input.secret !== null && (typeof input.secret !== 'string' || input.secret.length > MAX_SECRET)) {
      throw validationFailed(`secret must be a string of at most ${MAX_SECRET} characters`, { field: 'secret' });
    }
    if (!this.formats.has(format)) throw new Error(`webhook format ${format} is not registered`);
    const instance = await this.deps.instances.get(instanceId);
    const existing = await this.repo.findForInstance(instance.id, format);
    const given = typeof input.secret === 'string' && input.secret !== '' ? input.secret : undefined;
    const secret = given ?? (existing ? String(this.deps.codec.decode(existing.secret)) : newSecret());
    const encoded = this.deps.codec.encode(secret);
    if (existing) await this.changing(this.repo.update(existing.id, { url, secret: encoded }));
    else await this.changing(this.repo.create({ instanceId: instance.id, ownerId: instance.ownerId, format, url, events: ['MESSAGE_RECEIVED'], secret: encoded }));
    return { instanceId: instance.id, url, secret };
  }

  /** A write of webhooks: the outbox matches events against the new ones from its next batch on. */
  private async changing<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.directory.changed();
    }
  }

  /** Deliveries still owed to receivers (the outbox depth, for metrics). */
  pending(): Promise<number> {
    return this.outbox.pendingCount();
  }

  /** Stops listening, writes what was published, stops sending (in-flight requests are cut short and stay queued). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const off of this.unsubscribe.splice(0)) off();
      await this.catchingUp;
      await this.writer.stop();
      await this.dispatcher.stop();
    })();
    return this.stopping;
  }

  /**
   * Retries until the ledger answers: writing live events first would move the watermark past the
   * missed messages. Stopping meanwhile writes nothing; the watermark stays, and the next start
   * catches the messages up (other events heard meanwhile are lost with the stop).
   */
  private async catchUp(): Promise<void> {
    for (;;) {
      try {
        this.writer.release(await this.storedSinceWatermark());
        return;
      } catch (err) {
        this.log.error({ err }, 'reading stored messages the webhook outbox missed failed; retrying');
        if (this.stopping) return;
        await new Promise((resolve) => setTimeout(resolve, this.deps.options.pollMs));
        if (this.stopping) return;
      }
    }
  }

  private async storedSinceWatermark(): Promise<WebhookEvent[]> {
    const { ledger } = this.deps;
    let after = ledger ? await this.outbox.receivedWatermark() : null;
    if (!ledger || after === null) return [];
    const missed: WebhookEvent[] = [];
    for (;;) {
      const page = await ledger.inboundAfter(null, after, CATCH_UP_PAGE);
      for (const message of page) {
        const event = toWebhookEvent('MESSAGE_RECEIVED', message);
        if (event) missed.push(event);
      }
      if (page.length < CATCH_UP_PAGE) break;
      after = Number(page.at(-1)!.cursor);
    }
    if (missed.length) this.log.warn({ messages: missed.length }, 'queueing stored messages that never reached the webhook outbox (the last run stopped in between)');
    return missed;
  }

  private view({ secret: _secret, events, ...rest }: WebhookRecord): WebhookView {
    return { ...rest, events: events as WebhookEventName[] };
  }

  private async visible(caller: WebhookCaller, hook: WebhookRecord): Promise<boolean> {
    if (caller.access.isAdmin) return true;
    if (hook.instanceId) return caller.access.sees(hook.instanceId);
    return hook.ownerId === caller.principal.userId;
  }

  private async requireVisible(caller: WebhookCaller, id: string): Promise<WebhookRecord> {
    const hook = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.find(id) : null;
    // Someone else's webhook is answered like a missing one: its existence is not revealed.
    if (!hook || !(await this.visible(caller, hook))) throw notFound(id);
    return hook;
  }

  private async requireInstance(caller: WebhookCaller, instanceId: string): Promise<void> {
    await this.deps.instances.get(instanceId);
    if (!(await caller.access.mayUse(instanceId))) throw new DomainError('FORBIDDEN', `you may not use instance ${instanceId}`, { instanceId });
  }

  /** One owner lookup per batch of events, however many events and webhooks it has. */
  private ownerVisibility(): (ownerId: string, instanceId: string) => Promise<boolean> {
    const accesses = new Map<string, Promise<InstanceAccess | null>>();
    return async (ownerId, instanceId) => {
      let access = accesses.get(ownerId);
      if (!access) {
        access = this.deps.auth.principalOf(ownerId).then((p) => p && new InstanceAccess(p, this.deps.auth, this.deps.instances));
        accesses.set(ownerId, access);
      }
      return (await access)?.sees(instanceId) ?? false;
    };
  }
}
