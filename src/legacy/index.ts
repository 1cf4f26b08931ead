import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { accountRoutes, publicAuthRoutes } from './auth.routes.ts';
import { callerOf, requireCaller, type RestDeps } from './context.ts';
import { hasNulByte } from '../http/nul-bytes.ts';
import { failure, RestError } from './envelope.ts';
import { rateLimited, restErrorHandler, restReply } from './errors.ts';
import { groupRoutes } from './groups.routes.ts';
import { instanceRoutes } from './instances.routes.ts';
import { messageRoutes } from './messages.routes.ts';
import { openApiDocument } from './openapi.ts';

export type { RestDeps } from './context.ts';

export const OPENAPI_PATH = '/api/docs/openapi.json';

/**
 * SUDEVWA's REST API (docs/sudevwa-api.md §1-§8, §13) on the shared services: existing clients change only
 * the base URL. Its own Fastify scope, so its multipart parser, envelopes and error handler never
 * touch GraphQL; the per-address rate limit is the same bucket GraphQL counts into.
 */
export function restApi(deps: RestDeps) {
  return async (app: FastifyInstance) => {
    // The service enforces each kind's limit while streaming; this only bounds the body. Extra
    // files are drained and ignored (an error after the send would misreport a sent message).
    const largest = Math.max(...Object.values(deps.media.limits));
    await app.register(multipart, { limits: { fileSize: largest + 1, files: 5, fields: 20, fieldSize: 65_536, parts: 30 } });
    // First of every hook: a request counts against its address before its credential is looked at,
    // so 401/403 answers (and unknown paths) count too. SUDEVWA's global answer, a message added.
    app.addHook('onRequest', deps.rateLimits.addressHook((seconds) => restReply(rateLimited(seconds))));
    app.decorateRequest('caller', null);
    // After the body is parsed, before any handler: text with NUL bytes is refused (see nul-bytes.ts).
    app.addHook('preHandler', async (req) => {
      if (hasNulByte(req.body) || hasNulByte(req.query) || hasNulByte(req.params)) throw RestError.of(400, 'text may not contain NUL (\\u0000) characters', 'VALIDATION_ERROR');
    });
    app.setErrorHandler(restErrorHandler(deps.logger.child({ component: 'rest' })));
    // Unknown paths under /api/ meet the JWT check first, as in SUDEVWA (Echo runs group middleware on 404s).
    app.setNotFoundHandler(async (req) => {
      if (req.url.startsWith('/api/')) await callerOf(deps, req);
      throw new RestError(404, { ...failure('Endpoint not found'), error: 'Not Found' });
    });

    const document = openApiDocument();
    app.get(OPENAPI_PATH, async () => document);
    await app.register(publicAuthRoutes(deps));
    await app.register(
      async (api) => {
        api.addHook('onRequest', requireCaller(deps));
        await api.register(accountRoutes(deps));
        await api.register(instanceRoutes(deps));
        await api.register(messageRoutes(deps));
        await api.register(groupRoutes(deps));
      },
      { prefix: '/api' },
    );
  };
}
