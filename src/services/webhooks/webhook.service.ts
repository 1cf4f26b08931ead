import { randomBytes } from 'node:crypto';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { Orm } from '../../db/orm.ts';
import { WebhookRepository } from '../../db/webhook.repository.ts';
import { validationFailed, type EventBus, type Logger } from '../shared/index.ts';
import type { InstanceService } from '../instances/index.ts';
import type { IncomingMessage } from '../messaging/index.ts';
import { isLegacyIncoming, legacyIncomingPayload } from '../../legacy/incoming-payload.ts';
import { WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher.ts';
import { isPrivateTarget } from './webhook-sender.ts';

export interface WebhookServiceDeps {
  orm: Orm;
  instances: Pick<InstanceService, 'get'>;
  events: EventBus;
  logger: Logger;
  /** Encrypts the secret and the queued bodies at rest. */
  codec: AuthValueCodec;
  options: DispatcherOptions;
}

export interface WebhookConfigView {
  instanceId: string;
  webhookUrl: string;
  secret: string;
}

/** Why a webhook URL was refused, for transports that distinguish (SUDEVWA: VALIDATION_ERROR vs INVALID_URL). */
export type WebhookUrlProblem = 'required' | 'scheme' | 'malformed' | 'private';

const MAX_URL = 2_048;
const MAX_SECRET = 256;
const CACHE_LIMIT = 10_000;

type CachedConfig = { url: string; secret: string } | null;

const badUrl = (reason: WebhookUrlProblem, message: string) => validationFailed(message, { field: 'url', reason });

/**
 * Each instance's incoming-message webhook: the config (URL + HMAC secret, encrypted at rest) and
 * the outbox every incoming message is written to before it is POSTed, so a receiver that is down,
 * slow or answering 500, or a gateway restart, loses nothing.
 */
export class WebhookService {
  private readonly deps: WebhookServiceDeps;
  private readonly log: Logger;
  private readonly repo: WebhookRepository;
  private readonly dispatcher: WebhookDispatcher;
  /** Configs by instance (null: none); exact, since every change goes through `setConfig`. */
  private readonly configs = new Map<string, Promise<CachedConfig>>();
  private readonly enqueuing = new Set<Promise<void>>();
  private unsubscribe: Array<() => void> = [];
  private stopping: Promise<void> | undefined;

  constructor(deps: WebhookServiceDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'webhooks' });
    this.repo = new WebhookRepository(deps.orm);
    this.dispatcher = new WebhookDispatcher({
      repo: this.repo,
      codec: deps.codec,
      logger: deps.logger,
      options: deps.options,
      secretFor: async (id) => (await this.config(id))?.secret ?? null,
    });
  }

  /** Listens for incoming messages and starts draining the outbox (including what a previous run left). */
  start(): void {
    if (this.unsubscribe.length || this.stopping) return;
    const events = this.deps.events;
    this.unsubscribe = [
      events.on('messageReceived', (m) => this.track(this.enqueue(m))),
      events.on('system', (e) => {
        if (e.type === 'INSTANCE_DELETED' && e.instanceId) this.configs.delete(e.instanceId);
      }),
    ];
    this.dispatcher.start();
  }

  /**
   * SUDEVWA's setconfig: `url` required, http(s) only; `secret` optional: omitted keeps the current
   * one, or generates 32 random bytes (hex) when there is none. Throws INSTANCE_NOT_FOUND, VALIDATION_FAILED
   * (details.reason: {@link WebhookUrlProblem}, or field `secret`).
   */
  async setConfig(instanceId: string, input: { url?: unknown; secret?: unknown }): Promise<WebhookConfigView> {
    const url = this.checkUrl(input.url);
    if (input.secret !== undefined && input.secret !== null && (typeof input.secret !== 'string' || input.secret.length > MAX_SECRET)) {
      throw validationFailed(`secret must be a string of at most ${MAX_SECRET} characters`, { field: 'secret' });
    }
    const instance = await this.deps.instances.get(instanceId);
    const given = typeof input.secret === 'string' && input.secret !== '' ? input.secret : undefined;
    const secret = given ?? (await this.config(instance.id))?.secret ?? randomBytes(32).toString('hex');
    await this.repo.saveConfig(instance.id, url, this.deps.codec.encode(secret));
    this.configs.set(instance.id, Promise.resolve({ url, secret }));
    return { instanceId: instance.id, webhookUrl: url, secret };
  }

  /** Rows still owed to receivers (for tests and diagnostics). */
  pending(): Promise<number> {
    return this.repo.pendingCount();
  }

  /** Stops sending (in-flight requests are cut short and stay queued), then waits for outbox writes. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const off of this.unsubscribe.splice(0)) off();
      await this.dispatcher.stop();
      await Promise.allSettled([...this.enqueuing]);
    })();
    return this.stopping;
  }

  private checkUrl(raw: unknown): string {
    if (typeof raw !== 'string' || !raw.trim()) throw badUrl('required', "Field 'url' is required");
    const value = raw.trim();
    if (!/^https?:\/\//i.test(value)) throw badUrl('scheme', 'webhook url must start with http:// or https://');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw badUrl('malformed', 'webhook url is not a valid URL');
    }
    if (value.length > MAX_URL) throw badUrl('malformed', `webhook url must be at most ${MAX_URL} characters`);
    if (url.username || url.password) throw badUrl('malformed', 'webhook url must not carry credentials');
    // Hostnames are checked again at every delivery, against what they resolve to then.
    if (!this.deps.options.allowPrivateUrls && isPrivateTarget(url)) {
      throw badUrl('private', 'webhook url points to a private or loopback address (set WEBHOOK_ALLOW_PRIVATE_URLS=true to allow it)');
    }
    return value;
  }

  private async enqueue(message: IncomingMessage): Promise<void> {
    if (!isLegacyIncoming(message)) return;
    const config = await this.config(message.instanceId);
    if (!config) return;
    const body = JSON.stringify({ event: 'incoming_message', timestamp: new Date().toISOString(), data: legacyIncomingPayload(message) });
    await this.repo.enqueue({ instanceId: message.instanceId, url: config.url, body: this.deps.codec.encode(body) });
    this.dispatcher.kick();
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((err) => this.log.error({ err }, 'queueing a webhook delivery failed'))
      .finally(() => this.enqueuing.delete(tracked));
    this.enqueuing.add(tracked);
  }

  private config(instanceId: string): Promise<CachedConfig> {
    let cached = this.configs.get(instanceId);
    if (!cached) {
      cached = this.repo.findConfig(instanceId).then((row) => (row ? { url: row.url, secret: String(this.deps.codec.decode(row.secret)) } : null));
      cached.catch(() => this.configs.delete(instanceId));
      if (this.configs.size >= CACHE_LIMIT) this.configs.clear();
      this.configs.set(instanceId, cached);
    }
    return cached;
  }
}
