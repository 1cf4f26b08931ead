import type { FastifyPluginAsync } from 'fastify';
import { authenticate } from '../services/auth/index.ts';
import type { Services } from '../services/index.ts';
import { DomainError, type DomainErrorCode } from '../services/shared/index.ts';
import { authError } from './auth-error.ts';
import type { RateLimits } from './rate-limits.ts';

export const MEDIA_DOWNLOAD_PATH = '/media/:instanceId/:messageId';

/** Where a received message's file downloads on this gateway; the domain only knows the ids. */
export function mediaDownloadPath(instanceId: string, messageId: string): string {
  return `/media/${encodeURIComponent(instanceId)}/${encodeURIComponent(messageId)}`;
}

// The failures this route can meet, in one place; anything else is a masked 500.
const STATUS: Partial<Record<DomainErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INSTANCE_NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  MEDIA_FETCH_FAILED: 502,
};

/** A `type/subtype[; param=value]` the sender declared, or octet-stream: it is someone else's text in our header. */
function safeContentType(mimeType: string): string {
  return /^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=(?:[\w.+-]+|"[^"\r\n]*"))*$/.test(mimeType) ? mimeType : 'application/octet-stream';
}

/** `filename="…"` for old clients (ASCII only), `filename*` with the real name for everyone else. */
function contentDisposition(fileName: string | null): string {
  if (!fileName) return 'attachment';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * `GET /media/:instanceId/:messageId`: the decrypted file of a received media message, streamed
 * from WhatsApp's media server through decryption to the client (never stored here). Authorised like
 * the API: `Authorization: Bearer <jwt | api key>` of someone who may use the instance.
 */
export const mediaDownloadRoute: FastifyPluginAsync<Pick<Services, 'instances' | 'auth' | 'receivedMedia'> & { rateLimits: RateLimits }> = async (
  app,
  { instances, auth, receivedMedia, rateLimits },
) => {
  // Counted per address before the credential is checked, like every other route.
  app.addHook(
    'onRequest',
    rateLimits.addressHook((seconds) => ({ error: { code: 'RATE_LIMITED', message: `rate limit exceeded: try again in ${seconds} s` } })),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof DomainError && STATUS[err.code]) {
      return reply.status(STATUS[err.code]!).send({ error: { code: err.code, message: err.message } });
    }
    if (err.statusCode && err.statusCode < 500) return reply.status(err.statusCode).send({ error: { code: 'BAD_REQUEST', message: err.message } });
    req.log.error({ err }, 'media download failed');
    return reply.status(500).send({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'the download failed on the server; details are in its log' } });
  });

  app.get<{ Params: { instanceId: string; messageId: string } }>(MEDIA_DOWNLOAD_PATH, async (req, reply) => {
    const who = await authenticate({ auth, instances }, { authorization: req.headers.authorization });
    if (!who.ok) throw authError(who) ?? new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <access token or API key>');
    const { instanceId, messageId } = req.params;
    if (!(await who.caller.access.mayUse(instanceId))) {
      throw new DomainError('FORBIDDEN', `you may not use instance ${instanceId}`);
    }
    const media = await receivedMedia.open(instanceId, messageId);
    reply.header('content-type', safeContentType(media.mimeType));
    reply.header('content-disposition', contentDisposition(media.fileName));
    reply.header('cache-control', 'private, no-store');
    reply.header('x-content-type-options', 'nosniff');
    if (media.size !== null) reply.header('content-length', String(media.size));
    return reply.send(media.stream);
  });
};
