import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { LimitedOperation, RateLimits } from '../http/rate-limits.ts';
import { parseBearer, InstanceAccess, type AuthService, type Principal } from '../services/auth/index.ts';
import { DomainError, type Logger } from '../services/shared/index.ts';
import type { Services } from '../services/index.ts';
import { failure, RestError } from './envelope.ts';

/** What every REST route file gets from the composition root. */
export interface RestDeps extends Pick<Services, 'instances' | 'messages' | 'auth'> {
  rateLimits: RateLimits;
  legacy: Config['legacy'];
  /** Upload size limits (the largest bounds a multipart body). */
  media: Pick<Config['media'], 'limits'>;
  logger: Logger;
}

/** The signed-in caller of a protected (`/api/...`) route. */
export interface Caller {
  principal: Principal;
  access: InstanceAccess;
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
 * SUDEVWA's JWT middleware (reference §2.1), as an onRequest hook so it answers before the body is
 * read. Takes a JWT or an API key. Routes with `:instanceId` then get RequireInstanceAccess: an
 * instance the caller may not use is 403 (a missing one falls through to the route's 404).
 */
export function authenticate(deps: RestDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const refusal = await identify(deps, req);
    if (refusal) return void reply.status(401).send(refusal);
    const instanceId = (req.params as Record<string, string> | undefined)?.instanceId;
    if (instanceId && !(await req.caller!.access.mayUse(instanceId))) {
      return void reply.status(403).send(failure('You do not have access to this instance'));
    }
  };
}

/** Sets `req.caller`, or returns the 401 body. */
export async function identify(deps: RestDeps, req: FastifyRequest) {
  const bearer = parseBearer(req.headers.authorization);
  if (bearer.kind === 'none') return failure('Unauthorized', 'UNAUTHORIZED');
  if (bearer.kind === 'malformed') return failure('Invalid authorization header format', 'INVALID_AUTH_HEADER');
  try {
    const principal = await deps.auth.authenticate(bearer.token);
    req.caller = { principal, access: new InstanceAccess(principal, deps.auth, deps.instances) };
    return null;
  } catch (err) {
    if (err instanceof DomainError) return failure('Invalid or expired token', 'INVALID_TOKEN');
    throw err;
  }
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

/** The same quotas as GraphQL, in the same buckets: signed-in callers per user, others per address. */
export async function limit(deps: RestDeps, req: FastifyRequest, operation: LimitedOperation, args?: Record<string, unknown>): Promise<void> {
  const identity = req.caller ? `user:${req.caller.principal.userId}` : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
  const over = await deps.rateLimits.consume(operation, identity, args);
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
