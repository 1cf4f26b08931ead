import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { DomainError, type DomainErrorCode } from '../services/shared/index.ts';

/**
 * Every HTTP error answer of the gateway leaves through here: a status, a JSON body (or none) and
 * headers, sent on a Fastify reply or written on a socket that asked to upgrade. What the body says
 * comes from one table per API dialect: SUDEVWA's envelope for the legacy routes (`src/legacy/errors.ts`,
 * `restReply`), and wamux's own answers below for everything else (media downloads, `/sandbox`,
 * `/metrics`, GraphiQL's and the console's files, WebSocket paths nobody serves).
 */
export interface ErrorReply {
  status: number;
  /** Absent: the answer has no body (Content-Length: 0). */
  body?: object;
  headers?: Record<string, string>;
}

/** wamux's own error body: `{ error: { code, message } }`, as its GraphQL errors carry them. */
const own = (status: number, code: string, message: string): ErrorReply => ({ status, body: { error: { code, message } } });

/** wamux's own fixed refusals, texts and codes in one place. */
export const HTTP_REFUSALS = {
  /** `/media/...` without a credential. */
  mediaAuthRequired: own(401, 'UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <access token or API key>'),
  /** `/sandbox` without a credential (a refused one says why instead). */
  sandboxAuthRequired: own(401, 'UNAUTHENTICATED', 'the sandbox control API needs Authorization: Bearer <an ADMIN access token or API key>'),
  sandboxAdminsOnly: own(403, 'FORBIDDEN', 'the sandbox control API is for administrators'),
  /** `/metrics` with METRICS_TOKEN set and another (or no) bearer. */
  metricsToken: { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' } },
  graphiqlAssetNotFound: { status: 404, body: { error: 'not found' } },
  /** A `/console/…` path that is not a file of the built console. */
  consoleFileNotFound: { status: 404, body: { error: 'not found' } },
  /** An upgrade to a path no WebSocket server claims. */
  upgradeNotFound: { status: 404 },
  /** Anything unexpected in wamux's own routes: masked, the details are in the log. */
  internal: own(500, 'INTERNAL_SERVER_ERROR', 'the download failed on the server; details are in its log'),
} satisfies Record<string, ErrorReply>;

/** The domain failures wamux's own routes can meet, and their status; any other is unexpected. */
const OWN_STATUS: Partial<Record<DomainErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INSTANCE_NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  MEDIA_FETCH_FAILED: 502,
};

/** Over the per-address limit (media downloads, graphql-ws upgrades), with when to try again. */
export function rateLimitedReply(retryAfterSeconds: number): ErrorReply {
  return { ...own(429, 'RATE_LIMITED', `rate limit exceeded: try again in ${retryAfterSeconds} s`), headers: { 'retry-after': String(retryAfterSeconds) } };
}

/** A credential that was presented and refused: 401 with the reason (expired, revoked, malformed, …). */
export function unauthenticated(reason: string): ErrorReply {
  return own(401, 'UNAUTHENTICATED', reason);
}

/**
 * Any value thrown in one of wamux's own routes → its answer: known domain failures with their code,
 * Fastify's 4xx (a bad request line, a body it refused) as BAD_REQUEST, anything else a masked 500
 * of which `unexpected` is told, so it can be logged.
 */
export function ownErrorReply(error: unknown, unexpected: (err: unknown) => void): ErrorReply {
  const status = error instanceof DomainError ? OWN_STATUS[error.code] : undefined;
  if (error instanceof DomainError && status) return own(status, error.code, error.message);
  const err = error as { statusCode?: unknown; message?: unknown };
  if (typeof err?.statusCode === 'number' && err.statusCode < 500) return own(err.statusCode, 'BAD_REQUEST', String(err.message));
  unexpected(error);
  return HTTP_REFUSALS.internal;
}

export function sendErrorReply(reply: FastifyReply, { status, body, headers }: ErrorReply): FastifyReply {
  if (headers) reply.headers(headers);
  return reply.status(status).send(body);
}

/** The same answer on a socket that asked to upgrade (SUDEVWA answered refused upgrades as ordinary JSON errors). */
export function writeUpgradeReply(socket: Duplex, { status, body, headers = {} }: ErrorReply): void {
  if (socket.destroyed) return;
  const json = body ? JSON.stringify(body) : '';
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(json)}`,
    ...(body ? ['Content-Type: application/json; charset=utf-8'] : []),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${json}`, () => socket.destroy());
}
