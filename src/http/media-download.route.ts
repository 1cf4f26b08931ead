import type { FastifyPluginAsync } from 'fastify';
import { authenticate } from '../services/auth/index.ts';
import type { Services } from '../services/index.ts';
import { DomainError } from '../services/shared/index.ts';
import { authError } from './auth-error.ts';
import { HTTP_REFUSALS, ownErrorReply, rateLimitedReply, sendErrorReply, unauthenticated } from './error-replies.ts';
import type { RateLimits } from './rate-limits.ts';

export const MEDIA_DOWNLOAD_PATH = '/media/:instanceId/:messageId';

/** Where a received message's file downloads on this gateway; the domain only knows the ids. */
export function mediaDownloadPath(instanceId: string, messageId: string): string {
  return `/media/${encodeURIComponent(instanceId)}/${encodeURIComponent(messageId)}`;
}

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
  app.addHook('onRequest', rateLimits.addressHook(rateLimitedReply));
  app.setErrorHandler((err, req, reply) => sendErrorReply(reply, ownErrorReply(err, (e) => req.log.error({ err: e }, 'media download failed'))));

  app.get<{ Params: { instanceId: string; messageId: string } }>(MEDIA_DOWNLOAD_PATH, async (req, reply) => {
    const who = await authenticate({ auth, instances }, { authorization: req.headers.authorization });
    if (!who.ok) {
      const refused = authError(who);
      return sendErrorReply(reply, refused ? unauthenticated(refused.message) : HTTP_REFUSALS.mediaAuthRequired);
    }
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
