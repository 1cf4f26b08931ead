import { PothosValidationError } from '@pothos/core';
import type { GraphQLError } from 'graphql';
import { createGraphQLError, maskError as yogaMaskError, type MaskError } from 'graphql-yoga';
import { DomainError, type DomainErrorCode, type Logger } from '../services/shared/index.ts';
import { builder } from './builder.ts';

/**
 * The GraphQL side of error handling, in one place: every error a client can see carries
 * `extensions.code` with one of these values. Domain errors keep their code and details, argument
 * validation becomes BAD_USER_INPUT, anything else is logged and masked.
 */
export type ErrorCode = DomainErrorCode | 'BAD_USER_INPUT' | 'BAD_REQUEST' | 'RATE_LIMITED' | 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'INTERNAL_SERVER_ERROR';

// A Record, so a new domain error code fails to compile until it is documented here.
const ERROR_CODE_DESCRIPTIONS: Record<ErrorCode, string> = {
  INSTANCE_NOT_FOUND: 'No instance has that id (or, for `fromPhoneNumber`, no instance is linked to that number).',
  INSTANCE_NAME_TAKEN: 'Another instance already has that name.',
  INSTANCE_NOT_CONNECTED: 'The instance is not ONLINE; `extensions.status` holds its state.',
  INVALID_STATE: 'The operation does not fit the instance state right now (e.g. connecting during logout, pairing an already linked instance, shutting down).',
  INVALID_RECIPIENT: '`to` is neither a phone number in international form nor a WhatsApp JID.',
  RECIPIENT_NOT_ON_WHATSAPP: 'The phone number has no WhatsApp account; nothing was sent.',
  VALIDATION_FAILED: 'The service refused an argument value; `extensions.field` names it when known.',
  SEND_FAILED: 'WhatsApp did not accept the message.',
  MEDIA_TOO_LARGE: 'The media is larger than the limit for its kind.',
  MEDIA_EMPTY: 'The media has no bytes.',
  MEDIA_TYPE_MISMATCH: 'The bytes are not of the declared kind or MIME type.',
  MEDIA_URL_INVALID: 'The media URL is not an absolute http(s) URL.',
  MEDIA_URL_FORBIDDEN: 'The media URL points to a private or local address.',
  MEDIA_FETCH_FAILED: 'The media URL could not be fetched (error status, timeout, too many redirects).',
  MEDIA_NOT_FOUND: 'No media is stored for that message.',
  UNAUTHENTICATED: 'No valid credentials came with the request.',
  FORBIDDEN: 'The credentials do not allow this operation or this instance.',
  USER_NOT_FOUND: 'No user has that id or name.',
  USERNAME_TAKEN: 'Another user already has that name.',
  EMAIL_TAKEN: 'Another user already has that e-mail address.',
  GROUP_NOT_FOUND: 'The instance is not in a group with that JID (or WhatsApp did not return it).',
  NOT_GROUP_ADMIN: 'Only admins of the group may do that (change members, settings or the invite link; the subject and description of a locked group).',
  INVITE_CODE_INVALID: 'The invite code or link does not lead to a group (unknown, or revoked).',
  API_KEY_NOT_FOUND: 'No API key has that id.',
  WEBHOOK_NOT_FOUND: 'No webhook you may see has that id.',
  MESSAGE_NOT_FOUND: 'The instance has no stored message with that id (`extensions.messageId`).',
  NOT_MESSAGE_AUTHOR: "Only a message's author can edit it or delete it for everyone; this one was written by someone else.",
  MESSAGE_TOO_OLD: 'WhatsApp no longer allows this: edits within 15 minutes of sending, deletes for everyone within 60 hours.',
  MESSAGE_NOT_EDITABLE: 'Only text messages and captions can be edited, and a deleted message cannot.',
  MESSAGE_NOT_FORWARDABLE: 'That message cannot be forwarded: a view-once message, a deleted one, a kind forwards do not carry (polls, reactions), or media whose reference is no longer stored (`extensions.reason`).',
  BROADCAST_NOT_FOUND: 'No broadcast you may see has that id.',
  BAD_USER_INPUT: 'An argument failed validation; `extensions.issues` lists each problem with its path.',
  BAD_REQUEST: 'The HTTP request is not a GraphQL request this endpoint accepts (e.g. a mutation over GET, a missing `query` parameter); the HTTP status says which.',
  RATE_LIMITED: 'Too many requests from this address, logins from this address or failed ones for this account, sends or number checks for this instance; `extensions.retryAfterSeconds` says when to try again.',
  SUBSCRIPTION_OVERFLOW: 'The subscription fell too far behind the events it follows (`extensions.maxBuffered` undelivered) and was ended rather than skip any unnoticed: subscribe again; `messageReceived` with `after` (the last `cursor` you received) replays what was stored meanwhile.',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The document does not match the schema.',
  INTERNAL_SERVER_ERROR: 'Something unexpected failed on the server; details are in its log, not in the response.',
};

builder.enumType('ErrorCode', {
  description: 'Values of `extensions.code` on errors this API returns. Not used by any field: it documents the error contract for clients and codegen.',
  values: Object.fromEntries(Object.entries(ERROR_CODE_DESCRIPTIONS).map(([code, description]) => [code, { description }])) as Record<ErrorCode, { description: string }>,
});

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** Yoga's `maskedErrors.maskError`: applied to every error of every result, HTTP and graphql-ws alike. */
export function createMaskError(logger: Logger): MaskError {
  return (error, message, isDev) => {
    if (!isGraphQLError(error)) return unexpected(logger, error, message, isDev);
    const original = error.originalError;
    const location = { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };

    if (original instanceof DomainError) {
      // The caller's mistake or bad timing, answered with its code: worth a line, not an alert or a stack.
      logger.info({ code: original.code, path: error.path?.join('.'), reason: original.message }, 'operation refused');
      return createGraphQLError(original.message, { ...location, extensions: { ...original.details, code: original.code } });
    }
    if (original instanceof PothosValidationError) {
      const issues = 'issues' in original ? (original.issues as ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>) : [];
      return createGraphQLError(original.message, {
        ...location,
        extensions: {
          code: 'BAD_USER_INPUT',
          issues: issues.map((i) => ({ path: (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)), message: i.message })),
        },
      });
    }
    // No path: the request itself is wrong (bad variables, a DateTime that does not parse, a
    // document that does not validate). These are the caller's mistakes, never masked.
    if (!error.path) {
      if (error.extensions?.code) return error;
      return createGraphQLError(error.message, { ...location, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
    }
    if (!original || isGraphQLError(original)) return error;
    return unexpected(logger, error, message, isDev);
  };
}

function unexpected(logger: Logger, error: unknown, message: string, isDev: boolean | undefined): Error {
  const graphQLError = isGraphQLError(error) ? error : undefined;
  logger.error({ err: graphQLError?.originalError ?? error, path: graphQLError?.path?.join('.') }, 'unexpected error in a GraphQL operation');
  return yogaMaskError(error, message, isDev);
}
