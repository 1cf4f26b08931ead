import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthFailure } from '../services/auth/index.ts';
import { DomainError, type DomainErrorCode, type Logger } from '../services/shared/index.ts';
import { failure, RestError, type FailureBody } from './envelope.ts';
import { sendErrorReply, type ErrorReply } from '../http/error-replies.ts';

/**
 * The REST side of error handling, in one place: every failure a SUDEVWA-shaped HTTP answer can carry
 * (domain errors, refused credentials, rate limits, unreadable bodies, the unexpected) → HTTP status
 * + SUDEVWA's body (docs/sudevwa-api.md §2, §4, §6, §7, §9). Routes, webhook routes and refused
 * WebSocket upgrades all answer through `restReply`. SUDEVWA words the same failure differently per
 * route family, so a route names its family (`scope`) and the family's wording wins.
 */
export type ErrorScope = 'default' | 'session' | 'by-number' | 'instance' | 'group' | 'login' | 'refresh' | 'register' | 'webhook';

/** Per route: the family's wording, what an unreadable body is called (SUDEVWA's bind error), and its 500. */
export interface LegacyRouteConfig {
  scope?: ErrorScope;
  bindCode?: 'INVALID_REQUEST' | 'BAD_REQUEST';
  /** What SUDEVWA answered this route's unexpected failures with; Echo's bare 500 otherwise. */
  failed?: { message: string; code: string };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    legacy?: LegacyRouteConfig;
  }
}

export interface Mapped {
  status: number;
  body: FailureBody;
}

type Mapping = Mapped | ((err: DomainError) => Mapped);

const m = (status: number, message: string, code?: string, details?: string): Mapped => ({ status, body: failure(message, code, details) });

/** SUDEVWA's RequireInstanceAccess: answered without an error object. */
const ACCESS_DENIED = m(403, 'You do not have access to this instance');

/** SUDEVWA's JWT middleware, per reason no caller came out of the credential. */
const AUTH_FAILURES: Record<AuthFailure['reason'], Mapped> = {
  missing: m(401, 'Unauthorized', 'UNAUTHORIZED'),
  malformed: m(401, 'Invalid authorization header format', 'INVALID_AUTH_HEADER'),
  refused: m(401, 'Invalid or expired token', 'INVALID_TOKEN'),
};

/** SUDEVWA's global rate-limit answer has no `message`; REST routes add one with the wait (a superset). */
const RATE_LIMITED: FailureBody = { success: false, error: 'rate limit exceeded' };

/** SUDEVWA's era A/B `POST /login-jwt`: not enveloped, `{error}` only (docs/sudevwa-api.md §13). */
export const LOGIN_JWT_REFUSALS = {
  badRequest: { status: 400, body: { error: 'Bad request' } },
  invalidCredentials: { status: 401, body: { error: 'Invalid credentials' } },
} satisfies Record<string, ErrorReply>;

const INTERNAL: Mapped = { status: 500, body: { success: false, message: 'Internal Server Error', error: 'Internal Server Error' } };

// A Record, so a new domain error code does not compile until it has a REST answer.
const DEFAULT: Record<DomainErrorCode, Mapping> = {
  INSTANCE_NOT_FOUND: m(404, 'Instance not found', 'INSTANCE_NOT_FOUND', 'instance not found'),
  INSTANCE_NAME_TAKEN: (e) => m(400, 'Failed to create session', 'CREATE_SESSION_FAILED', e.message),
  INSTANCE_NOT_CONNECTED: m(400, 'Session is not connected', 'NOT_CONNECTED', 'Please check /status endpoint'),
  INVALID_STATE: (e) => m(409, e.message, 'INVALID_STATE'),
  INVALID_RECIPIENT: (e) => m(400, 'Invalid phone number', 'INVALID_PHONE', e.message),
  RECIPIENT_NOT_ON_WHATSAPP: m(400, 'Phone number is not registered on WhatsApp', 'PHONE_NOT_REGISTERED', 'Please check the number or ask recipient to install WhatsApp'),
  GROUP_NOT_FOUND: (e) => m(404, 'Group not found', 'GROUP_NOT_FOUND', e.message),
  NOT_GROUP_ADMIN: (e) => m(403, 'Only group admins may do that', 'NOT_GROUP_ADMIN', e.message),
  INVITE_CODE_INVALID: (e) => m(400, 'Invalid invite code', 'INVITE_CODE_INVALID', e.message),
  VALIDATION_FAILED: (e) => m(400, e.message, 'VALIDATION_ERROR'),
  SEND_FAILED: (e) => m(500, 'Failed to send message', 'SEND_FAILED', e.message),
  MEDIA_TOO_LARGE: (e) => m(400, 'File too large', 'FILE_TOO_LARGE', e.message),
  MEDIA_EMPTY: m(400, 'File is required', 'FILE_REQUIRED', 'the file is empty'),
  MEDIA_TYPE_MISMATCH: (e) => m(400, 'Invalid media type', 'INVALID_MEDIA_TYPE', e.message),
  MEDIA_URL_INVALID: (e) => m(400, 'Invalid media URL', 'INVALID_URL', e.message),
  MEDIA_URL_FORBIDDEN: (e) => m(400, 'Media URL not allowed', 'URL_FORBIDDEN', e.message),
  // SUDEVWA answers 500; an unreachable or failing URL is the caller's input, so 400 here.
  MEDIA_FETCH_FAILED: (e) => m(400, 'Failed to download file', 'DOWNLOAD_FAILED', e.message),
  MEDIA_NOT_FOUND: (e) => m(404, 'Media not found', 'MEDIA_NOT_FOUND', e.message),
  UNAUTHENTICATED: AUTH_FAILURES.refused,
  FORBIDDEN: ACCESS_DENIED,
  USER_NOT_FOUND: m(404, 'User not found', 'USER_NOT_FOUND'),
  USERNAME_TAKEN: m(400, 'username already exists', 'REGISTRATION_FAILED'),
  EMAIL_TAKEN: m(400, 'email already exists', 'REGISTRATION_FAILED'),
  API_KEY_NOT_FOUND: m(404, 'API key not found', 'API_KEY_NOT_FOUND'),
  WEBHOOK_NOT_FOUND: m(404, 'Webhook not found', 'WEBHOOK_NOT_FOUND'),
  MESSAGE_NOT_FOUND: (e) => m(404, 'Message not found', 'MESSAGE_NOT_FOUND', e.message),
  NOT_MESSAGE_AUTHOR: (e) => m(403, e.message, 'NOT_MESSAGE_AUTHOR'),
  MESSAGE_TOO_OLD: (e) => m(400, e.message, 'MESSAGE_TOO_OLD'),
  MESSAGE_NOT_EDITABLE: (e) => m(400, e.message, 'MESSAGE_NOT_EDITABLE'),
  MESSAGE_NOT_FORWARDABLE: (e) => m(400, e.message, 'MESSAGE_NOT_FORWARDABLE'),
  BROADCAST_NOT_FOUND: m(404, 'Broadcast not found', 'BROADCAST_NOT_FOUND'),
  RATE_LIMITED: (e) => m(429, e.message, 'RATE_LIMITED'),
  // Only a GraphQL subscription ends this way; no REST route meets it.
  SUBSCRIPTION_OVERFLOW: (e) => m(503, e.message, 'SUBSCRIPTION_OVERFLOW'),
};

const SCOPED: Record<Exclude<ErrorScope, 'default'>, Partial<Record<DomainErrorCode, Mapping>>> = {
  session: { INSTANCE_NOT_FOUND: m(404, 'Session not found', 'SESSION_NOT_FOUND', 'Please login first') },
  'by-number': {
    INSTANCE_NOT_FOUND: m(404, 'No active instance for this phone number', 'NO_ACTIVE_INSTANCE', 'Please login / scan QR for this number'),
    INSTANCE_NOT_CONNECTED: m(400, 'WhatsApp session is not connected', 'NOT_CONNECTED', 'Please scan QR or reconnect'),
    FORBIDDEN: m(403, 'You do not have access to this phone number'),
  },
  instance: {},
  group: {
    INSTANCE_NOT_FOUND: m(404, 'Session not found', 'SESSION_NOT_FOUND'),
    INVALID_RECIPIENT: (e) => m(400, 'Invalid group JID', 'INVALID_GROUP_JID', e.message),
  },
  login: { UNAUTHENTICATED: m(401, 'Invalid username or password', 'INVALID_CREDENTIALS') },
  refresh: { UNAUTHENTICATED: (e) => m(401, 'Invalid or expired refresh token', 'INVALID_REFRESH_TOKEN', e.message) },
  register: { VALIDATION_FAILED: (e) => m(400, e.message, 'REGISTRATION_FAILED') },
  webhook: {
    INSTANCE_NOT_FOUND: m(404, 'Instance not found', 'INSTANCE_NOT_FOUND'),
    // A URL that is there but unusable (scheme, syntax, private address) is INVALID_URL; a missing one is VALIDATION_ERROR.
    VALIDATION_FAILED: (e) => m(400, e.message, e.details?.reason && e.details.reason !== 'required' ? 'INVALID_URL' : 'VALIDATION_ERROR'),
  },
};

/** A refused credential, as SUDEVWA's JWT middleware answers it; thrown from an auth hook. */
export function authRefusal(failure: AuthFailure): RestError {
  const mapped = AUTH_FAILURES[failure.reason];
  return new RestError(mapped.status, mapped.body);
}

/** The caller may not use this instance. */
export function accessDenied(): RestError {
  return new RestError(ACCESS_DENIED.status, ACCESS_DENIED.body);
}

/** Over the per-address limit; `retryAfterSeconds` adds the message REST routes carry. */
export function rateLimited(retryAfterSeconds?: number): RestError {
  const body = retryAfterSeconds === undefined ? RATE_LIMITED : { ...RATE_LIMITED, message: `rate limit exceeded: try again in ${retryAfterSeconds} s` };
  return new RestError(429, body);
}

export function mapDomainError(err: DomainError, scope: ErrorScope = 'default'): Mapped {
  const mapping = (scope === 'default' ? undefined : SCOPED[scope][err.code]) ?? DEFAULT[err.code];
  return typeof mapping === 'function' ? mapping(err) : mapping;
}

/** Fastify's own refusals of a request body (content type, JSON syntax, empty JSON, size). */
const BODY_ERRORS = /^FST_ERR_CTP_/;
/** @fastify/multipart's limits: one file, a few small fields. */
const UPLOAD_LIMITS = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * The one REST error-reply builder: any thrown value → status and SUDEVWA body. 4xx for the caller's
 * mistakes; anything unexpected is a masked 500, and `unexpected` is told so it can be logged.
 */
export function restReply(error: unknown, config: LegacyRouteConfig = {}, unexpected?: (err: unknown) => void): Mapped {
  if (error instanceof RestError) return { status: error.statusCode, body: error.body };
  if (error instanceof DomainError) return mapDomainError(error, config.scope);
  const err = error as Partial<FastifyError>;
  if (err.code === 'FST_REQ_FILE_TOO_LARGE') return m(400, 'File too large', 'FILE_TOO_LARGE', err.message);
  if (err.code && UPLOAD_LIMITS.has(err.code)) return m(400, 'Invalid request body', config.bindCode ?? 'INVALID_REQUEST', err.message);
  if (err.code && BODY_ERRORS.test(err.code) && err.statusCode === 413) return m(413, 'Request body too large', 'PAYLOAD_TOO_LARGE', err.message);
  if ((err.code && BODY_ERRORS.test(err.code)) || (err.statusCode === 400 && err.validation)) {
    // SUDEVWA's handlers answer a failed Bind with 400 and Echo's text as details.
    return m(400, 'Invalid request body', config.bindCode ?? 'INVALID_REQUEST', `code=${err.statusCode ?? 400}, message=${err.message}`);
  }
  if (err.statusCode === 429) return { status: 429, body: RATE_LIMITED };
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return m(err.statusCode, err.message ?? '', err.code);
  unexpected?.(error);
  return config.failed ? m(500, config.failed.message, config.failed.code) : INTERNAL;
}

/** A Fastify scope's error handler: every REST failure answered through `restReply` (logged to `log`, or the request's). */
export function restErrorHandler(log?: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DomainError) {
      // Expected: the caller's mistake or bad timing. A line at info without a stack, never an error.
      req.log.info({ code: err.code, reason: err.message, method: req.method, url: req.url.split('?')[0] }, 'request refused');
    }
    const mapped = restReply(err, req.routeOptions.config.legacy, (e) => (log ?? req.log).error({ err: e, method: req.method, url: req.url }, 'unexpected error in a REST route'));
    return sendErrorReply(reply, mapped);
  };
}
