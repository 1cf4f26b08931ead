import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { MemoryFailedLogins, type FailedLoginStore } from '../services/auth/index.ts';
import { MemoryQuotaLog } from './rate-limit-store.ts';
import { RedisFailedLogins } from './failed-login-store.ts';
import { sendErrorReply, type ErrorReply } from './error-replies.ts';

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
// @fastify/rate-limit's in-memory fixed-window store (an LRU), for the per-address bucket.
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (continueExceeding: boolean, exponentialBackoff: boolean) => {
  incr(key: string, cb: (err: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
};

/** Every operation quota counts the calls of the last minute. */
const QUOTA_WINDOW = '1m';
const QUOTA_WINDOW_MS = 60_000;

export interface RateLimitOptions {
  /** Per-address HTTP limit: a token bucket refilled at perSecond with room for burst. */
  http: { perSecond: number; burst: number };
  loginPerMinute: number;
  sendPerMinute: number;
  checkNumbersPerMinute: number;
  redisUrl: string | undefined;
  /** Prepended to every Redis key, so deployments (or test runs) sharing one Redis keep apart. */
  redisKeyPrefix?: string;
}

/**
 * The quotas shared by GraphQL and REST, each counted in one bucket whichever transport is used:
 * `login` (with register) and `refreshToken` per address; `send` (text and media) and `checkNumbers`
 * per resolved instance id.
 */
export type LimitedOperation = 'login' | 'refreshToken' | 'send' | 'checkNumbers';

/** Over a limit: how long to wait, and the limit that was hit. */
export interface Limited {
  retryAfterSeconds: number;
  max: number;
}

/**
 * Every rate limit of the gateway in one place, so the two transports cannot be played against each
 * other: one per-address bucket every request of GraphQL, REST, media downloads and WebSocket
 * upgrades counts into before it is authenticated, the operation quotas the GraphQL rules and the
 * REST routes both consume, and the failed-login counts per account the auth service keeps.
 */
export class RateLimits {
  readonly options: RateLimitOptions;
  /** Failed logins per account (Redis when REDIS_URL is set), for the auth service. */
  readonly failedLogins: FailedLoginStore;
  private readonly redis: Redis | undefined;
  private readonly addressStore = new LocalStore(false, false);
  /** Counts a call against a quota; true when it is over. In memory, or in Redis with REDIS_URL. */
  private readonly countCall: (key: { identity: string; operation: LimitedOperation }, quota: { max: number; window: string }) => Promise<boolean>;

  constructor(options: RateLimitOptions) {
    this.options = options;
    // ioredis is loaded only when configured: ≈ 50 modules and ≈ 25 ms of CPU at every boot
    // (before the gateway listens and restores anything) for a client most deployments never make.
    this.redis = options.redisUrl ? new (require('ioredis') as typeof import('ioredis')).Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, keyPrefix: options.redisKeyPrefix ?? 'wamux:' }) : undefined;
    this.failedLogins = this.redis ? new RedisFailedLogins(this.redis) : new MemoryFailedLogins();
    if (this.redis) {
      const limiter = getGraphQLRateLimiter({ identifyContext: (ctx: { identity: string }) => ctx.identity, store: new RedisStore(this.redis), formatError: () => 'limited' });
      this.countCall = async ({ identity, operation }, quota) => !!(await limiter({ parent: undefined, args: {}, context: { identity }, info: { fieldName: operation } }, quota));
    } else {
      const log = new MemoryQuotaLog();
      this.countCall = async ({ identity, operation }, quota) => log.take(`${identity}:${operation}`, quota.max, QUOTA_WINDOW_MS);
    }
  }

  /**
   * Counts one request from `address` into the per-address bucket. Null while within the limit.
   * Every transport calls this first, before it looks at a credential: refused credentials count too.
   */
  takeAddress(address: string): Promise<Limited | null> {
    const { perSecond, burst } = this.options.http;
    const windowMs = Math.max(1, Math.round((1000 * burst) / perSecond));
    return new Promise((resolve) =>
      this.addressStore.incr(
        address,
        (err, result) => resolve(!err && (result?.current ?? 0) <= burst ? null : { retryAfterSeconds: Math.max(1, Math.ceil((result?.ttl ?? windowMs) / 1000)), max: burst }),
        windowMs,
        burst,
      ),
    );
  }

  /**
   * An `onRequest` hook for a Fastify scope: every request counts into the per-address bucket before
   * any other hook of the scope runs (the authentication hook included); over the limit it is answered
   * with `Retry-After` and the answer `answer` builds in the scope's own words (status 429 and body).
   */
  addressHook(answer: (retryAfterSeconds: number) => ErrorReply) {
    return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const over = await this.takeAddress(req.socket.remoteAddress ?? 'unknown');
      if (!over) return;
      const answered = answer(over.retryAfterSeconds);
      await sendErrorReply(reply, { ...answered, headers: { 'retry-after': String(over.retryAfterSeconds), ...answered.headers } });
    };
  }

  /** What the GraphQL rule uses for the same operation. */
  quota(operation: LimitedOperation): { max: number; window: string } {
    const max = { login: this.options.loginPerMinute, refreshToken: this.options.loginPerMinute, send: this.options.sendPerMinute, checkNumbers: this.options.checkNumbersPerMinute }[operation];
    return { max, window: QUOTA_WINDOW };
  }

  /**
   * Counts one call of `operation` for `identity`: `ip:<address>` for logins, `instance:<id>` (the
   * resolved, canonical id) for sends and number checks. Null while within the quota.
   */
  async consume(operation: LimitedOperation, identity: string): Promise<Limited | null> {
    const quota = this.quota(operation);
    return (await this.countCall({ identity, operation }, quota)) ? { retryAfterSeconds: 60, max: quota.max } : null;
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
