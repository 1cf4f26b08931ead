import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { LimitedOperation, RateLimits } from '../http/rate-limits.ts';
import { authenticate, type Caller } from '../services/auth/index.ts';
import { DomainError, type Logger } from '../services/shared/index.ts';
import type { Services } from '../services/index.ts';
import { RestError } from './envelope.ts';
import { accessDenied, authRefusal } from './errors.ts';

/** What every REST route file gets from the composition root. */
export interface RestDeps extends Pick<Services, 'instances' | 'messages' | 'auth' | 'contacts'> {
  rateLimits: RateLimits;
  legacy: Config['legacy'];
  /** Upload size limits (the largest bounds a multipart body). */
  media: Pick<Config['media'], 'limits'>;
  logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** The caller of a route behind `authenticate`; set before any handler runs. */
export function caller(req: FastifyRequest): Caller {
  if (!req.caller) throw new DomainError('UNAUTHENTICATED', 'authentication required');
  return req.caller;
}

/**
 * SUDEVWA's JWT middleware (docs/sudevwa-api.md §2.1), as an onRequest hook so it answers before
 * the body is read. Takes a JWT or an API key. Routes with `:instanceId` then get
 * RequireInstanceAccess: an instance the caller may not use is 403 (a missing one falls through to
 * the route's 404). Refusals are thrown, so the scope's error handler answers them.
 */
export function requireCaller(deps: RestDeps) {
  return async (req: FastifyRequest): Promise<void> => {
    req.caller = await callerOf(deps, req);
    const instanceId = (req.params as Record<string, string> | undefined)?.instanceId;
    if (instanceId && !(await req.caller.access.mayUse(instanceId))) throw accessDenied();
  };
}

/** The caller of a request, or SUDEVWA's 401 thrown. */
export async function callerOf(deps: Pick<RestDeps, 'auth' | 'instances'>, req: FastifyRequest): Promise<Caller> {
  const who = await authenticate(deps, { authorization: req.headers.authorization });
  if (!who.ok) throw authRefusal(who);
  return who.caller;
}

/** The JSON body as an object; a non-object body is SUDEVWA's bind error. Absent body = `{}`. */
export function body(req: FastifyRequest): Record<string, unknown> {
  const value = req.body ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    // A string body came through Fastify's text/plain parser: for SUDEVWA's Bind that is 415.
    const details = typeof value === 'string' ? 'code=415, message=Unsupported Media Type' : 'code=400, message=the body must be a JSON object';
    throw RestError.of(400, 'Invalid request body', req.routeOptions.config.legacy?.bindCode ?? 'INVALID_REQUEST', details);
  }
  return value as Record<string, unknown>;
}

/** A string field, trimmed; '' when absent. A non-string value is a bind error, as Go's typed Bind makes it. */
export function text(req: FastifyRequest, fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw RestError.of(400, 'Invalid request body', req.routeOptions.config.legacy?.bindCode ?? 'INVALID_REQUEST', `field '${name}' must be a string`);
  }
  return value.trim();
}

/**
 * The same quotas as GraphQL, in the same buckets: logins per address (whatever credential comes
 * along), sends and number checks per instance, by its stored id (`instanceId` as the caller wrote it).
 */
export async function limit(deps: RestDeps, req: FastifyRequest, operation: LimitedOperation, instanceId?: string): Promise<void> {
  let identity: string | undefined = `ip:${req.socket.remoteAddress ?? 'unknown'}`;
  if (operation === 'send' || operation === 'checkNumbers') {
    const id = instanceId ? await caller(req).access.canonicalId(instanceId) : undefined;
    // No such instance: nothing to count, the service refuses the call.
    if (!id) return;
    identity = `instance:${id}`;
  }
  const over = await deps.rateLimits.consume(operation, identity);
  if (over) {
    throw RestError.of(429, `Too many ${operation} requests: at most ${over.max} per minute. Try again in ${over.retryAfterSeconds} s.`, 'RATE_LIMITED');
  }
}

/** SUDEVWA's typing simulation, when TYPING_DELAY_MIN/MAX are set: a random time in the range. */
export function typingMs(deps: RestDeps): number | undefined {
  const range = deps.legacy.typingDelay;
  if (!range) return undefined;
  return range.minMs + Math.floor(Math.random() * (range.maxMs - range.minMs + 1));
}
