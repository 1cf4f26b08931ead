import { createRequire } from 'node:module';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { ExpiringMemoryStore } from './rate-limit-store.ts';

const require = createRequire(import.meta.url);
// The CJS build: graphql-rate-limit 3.3.0's `module` field points to a file that does not exist, and
// its CJS build requires the same graphql-shield the GraphQL rules load.
const { getGraphQLRateLimiter, RedisStore } = require('graphql-rate-limit') as {
  getGraphQLRateLimiter: (config: object) => (
    call: { parent: unknown; args: Record<string, unknown>; context: { identity: string }; info: { fieldName: string } },
    field: { max: number; window: string; identityArgs?: string[] },
  ) => Promise<string | undefined>;
  RedisStore: new (client: unknown) => object;
};
// @fastify/rate-limit's own in-memory store, shared below by every scope that registers the plugin.
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (continueExceeding: boolean, exponentialBackoff: boolean) => object;

export interface RateLimitOptions {
  /** Per-address HTTP limit: a token bucket refilled at perSecond with room for burst. */
  http: { perSecond: number; burst: number };
  loginPerMinute: number;
  sendPerMinute: number;
  redisUrl: string | undefined;
  /** Prepended to every Redis key, so deployments (or test runs) sharing one Redis keep apart. */
  redisKeyPrefix?: string;
}

/** The quotas shared by GraphQL and REST. Field names are GraphQL's, so both transports count in one bucket. */
export type LimitedOperation = 'login' | 'refreshToken' | 'sendText' | 'sendMedia';

/**
 * Every rate limit of the gateway in one place, so the two transports cannot be played against each
 * other: one per-address HTTP bucket for every route (GraphQL and REST), and one store for the
 * per-user and per-address operation quotas that the GraphQL rules and the REST routes both consume.
 */
export class RateLimits {
  readonly options: RateLimitOptions;
  /** The graphql-rate-limit store (Redis when REDIS_URL is set). */
  readonly store: object;
  private readonly redis: Redis | undefined;
  private httpStore: object | undefined;
  private readonly limiter: ReturnType<typeof getGraphQLRateLimiter>;

  constructor(options: RateLimitOptions) {
    this.options = options;
    this.redis = options.redisUrl ? new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, keyPrefix: options.redisKeyPrefix ?? 'wamux:' }) : undefined;
    this.store = this.redis ? new RedisStore(this.redis) : new ExpiringMemoryStore();
    this.limiter = getGraphQLRateLimiter({ identifyContext: (ctx: { identity: string }) => ctx.identity, store: this.store, formatError: () => 'limited' });
  }

  /** @fastify/rate-limit options for one scope; every scope counts into the same per-address store. */
  httpPluginOptions(errorResponseBuilder: NonNullable<RateLimitPluginOptions['errorResponseBuilder']>): RateLimitPluginOptions {
    const { perSecond, burst } = this.options.http;
    // The plugin calls `new store(params)`: a constructor that returns an object yields that object.
    const self = this;
    function SharedStore(params: { continueExceeding: boolean; exponentialBackoff: boolean }) {
      self.httpStore ??= new LocalStore(params.continueExceeding, params.exponentialBackoff);
      return self.httpStore;
    }
    return {
      max: burst,
      timeWindow: Math.max(1, Math.round((1000 * burst) / perSecond)),
      store: SharedStore as unknown as RateLimitPluginOptions['store'],
      errorResponseBuilder,
    };
  }

  /**
   * Counts one request from `address` into the per-address HTTP bucket, for what never passes
   * through Fastify's hooks (WebSocket upgrades). False when the address is over the limit.
   */
  takeHttp(address: string): Promise<boolean> {
    const { perSecond, burst } = this.options.http;
    this.httpStore ??= new LocalStore(false, false);
    const store = this.httpStore as { incr(key: string, cb: (err: Error | null, result?: { current: number }) => void, timeWindow: number, max: number): void };
    return new Promise((resolve) =>
      store.incr(address, (err, result) => resolve(!err && (result?.current ?? 0) <= burst), Math.max(1, Math.round((1000 * burst) / perSecond)), burst),
    );
  }

  /** What the GraphQL rule uses for the same operation: the limit and the args that key it. */
  quota(operation: LimitedOperation): { max: number; window: string; identityArgs?: string[] } {
    if (operation === 'login' || operation === 'refreshToken') return { max: this.options.loginPerMinute, window: '1m' };
    return { max: this.options.sendPerMinute, window: '1m', identityArgs: ['input.instanceId', 'input.fromPhoneNumber'] };
  }

  /**
   * Counts one call outside GraphQL (REST). `identity` is `user:<id>` for signed-in callers and
   * `ip:<address>` otherwise, like the GraphQL rules; `args` has the GraphQL argument shape.
   * Returns the seconds to wait when over the quota.
   */
  async consume(operation: LimitedOperation, identity: string, args: Record<string, unknown> = {}): Promise<{ retryAfterSeconds: number; max: number } | null> {
    const quota = this.quota(operation);
    const limited = await this.limiter({ parent: undefined, args, context: { identity }, info: { fieldName: operation } }, quota);
    return limited ? { retryAfterSeconds: 60, max: quota.max } : null;
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
