import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode, type Logger } from '../services/shared/index.ts';
import { failure, RestError, type FailureBody } from './envelope.ts';

/**
 * The REST side of error handling, in one place: every DomainError code → HTTP status + SUDEVWA's
 * error code and message (reference §2, §4, §6, §7). SUDEVWA words the same failure differently
 * per route family, so a route names its family (`scope`) and the family's wording wins.
 */
export type ErrorScope = 'default' | 'session' | 'by-number' | 'instance' | 'group' | 'login' | 'refresh' | 'register';

/** Per route: the family's wording, and what an unreadable body is called (SUDEVWA's bind error). */
export interface LegacyRouteConfig {
  scope?: ErrorScope;
  bindCode?: 'INVALID_REQUEST' | 'BAD_REQUEST';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    legacy?: LegacyRouteConfig;
  }
}

interface Mapped {
  status: number;
  body: FailureBody;
}

type Mapping = Mapped | ((err: DomainError) => Mapped);

const m = (status: number, message: string, code?: string, details?: string): Mapped => ({ status, body: failure(message, code, details) });

// A Record, so a new domain error code does not compile until it has a REST answer.
const DEFAULT: Record<DomainErrorCode, Mapping> = {
  INSTANCE_NOT_FOUND: m(404, 'Instance not found', 'INSTANCE_NOT_FOUND', 'instance not found'),
  INSTANCE_NAME_TAKEN: (e) => m(400, 'Failed to create session', 'CREATE_SESSION_FAILED', e.message),
  INSTANCE_NOT_CONNECTED: m(400, 'Session is not connected', 'NOT_CONNECTED', 'Please check /status endpoint'),
  INVALID_STATE: (e) => m(409, e.message, 'INVALID_STATE'),
  INVALID_RECIPIENT: (e) => m(400, 'Invalid phone number', 'INVALID_PHONE', e.message),
  RECIPIENT_NOT_ON_WHATSAPP: m(400, 'Phone number is not registered on WhatsApp', 'PHONE_NOT_REGISTERED', 'Please check the number or ask recipient to install WhatsApp'),
  GROUP_NOT_FOUND: (e) => m(404, 'Group not found', 'GROUP_NOT_FOUND', e.message),
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
  UNAUTHENTICATED: m(401, 'Invalid or expired token', 'INVALID_TOKEN'),
  // SUDEVWA's RequireInstanceAccess answers without an error object.
  FORBIDDEN: m(403, 'You do not have access to this instance'),
  USER_NOT_FOUND: m(404, 'User not found', 'USER_NOT_FOUND'),
  USERNAME_TAKEN: m(400, 'username already exists', 'REGISTRATION_FAILED'),
  EMAIL_TAKEN: m(400, 'email already exists', 'REGISTRATION_FAILED'),
  API_KEY_NOT_FOUND: m(404, 'API key not found', 'API_KEY_NOT_FOUND'),
  WEBHOOK_NOT_FOUND: m(404, 'Webhook not found', 'WEBHOOK_NOT_FOUND'),
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
};

export function mapDomainError(err: DomainError, scope: ErrorScope = 'default'): Mapped {
  const mapping = (scope === 'default' ? undefined : SCOPED[scope][err.code]) ?? DEFAULT[err.code];
  return typeof mapping === 'function' ? mapping(err) : mapping;
}

/** Fastify's own refusals of a request body (content type, JSON syntax, empty JSON, size). */
const BODY_ERRORS = /^FST_ERR_CTP_/;
/** @fastify/multipart's limits: one file, a few small fields. */
const UPLOAD_LIMITS = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/** The REST scope's error handler: envelopes for everything, 4xx for the caller's mistakes, masked 500s. */
export function restErrorHandler(log: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const config = req.routeOptions.config.legacy ?? {};
    let mapped: Mapped;
    if (err instanceof RestError) mapped = { status: err.statusCode, body: err.body };
    else if (err instanceof DomainError) {
      // Expected: the caller's mistake or bad timing. A line at info without a stack, never an error.
      req.log.info({ code: err.code, reason: err.message, method: req.method, url: req.url.split('?')[0] }, 'request refused');
      mapped = mapDomainError(err, config.scope);
    }
    else if (err.code === 'FST_REQ_FILE_TOO_LARGE') mapped = m(400, 'File too large', 'FILE_TOO_LARGE', err.message);
    else if (err.code && UPLOAD_LIMITS.has(err.code)) mapped = m(400, 'Invalid request body', config.bindCode ?? 'INVALID_REQUEST', err.message);
    else if (err.code && BODY_ERRORS.test(err.code) && err.statusCode === 413) mapped = m(413, 'Request body too large', 'PAYLOAD_TOO_LARGE', err.message);
    else if ((err.code && BODY_ERRORS.test(err.code)) || (err.statusCode === 400 && err.validation)) {
      // SUDEVWA's handlers answer a failed Bind with 400 and Echo's text as details.
      mapped = m(400, 'Invalid request body', config.bindCode ?? 'INVALID_REQUEST', `code=${err.statusCode ?? 400}, message=${err.message}`);
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      mapped = m(err.statusCode, err.message, err.code);
    } else {
      log.error({ err, method: req.method, url: req.url }, 'unexpected error in a REST route');
      mapped = { status: 500, body: { success: false, message: 'Internal Server Error', error: 'Internal Server Error' } };
    }
    return reply.status(mapped.status).send(mapped.body);
  };
}
