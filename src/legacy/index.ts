import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { accountRoutes, publicAuthRoutes } from './auth.routes.ts';
import { authenticate, identify, type RestDeps } from './context.ts';
import { failure, RestError } from './envelope.ts';
import { restErrorHandler } from './errors.ts';
import { groupRoutes } from './groups.routes.ts';
import { instanceRoutes } from './instances.routes.ts';
import { messageRoutes } from './messages.routes.ts';
import { openApiDocument } from './openapi.ts';

export type { RestDeps } from './context.ts';

export const OPENAPI_PATH = '/api/docs/openapi.json';

/**
 * SUDEVWA's REST API (reference §1-§8, §13) on the shared services: existing clients change only
 * the base URL. Its own Fastify scope, so its multipart parser, envelopes and error handler never
 * touch GraphQL; the per-address rate limit is the same bucket GraphQL counts into.
 */
export function restApi(deps: RestDeps) {
  return async (app: FastifyInstance) => {
    // The service enforces each kind's limit while streaming; this only bounds the body. Extra
    // files are drained and ignored (an error after the send would misreport a sent message).
    const largest = Math.max(...Object.values(deps.media.limits));
    await app.register(multipart, { limits: { fileSize: largest + 1, files: 5, fields: 20, fieldSize: 65_536, parts: 30 } });
    await app.register(
      rateLimit,
      // SUDEVWA's global handler: `{"success":false,"error":"rate limit exceeded"}` (a message added).
      deps.rateLimits.httpPluginOptions((_req, ctx) => {
        const err = new RestError(429, { success: false, message: `rate limit exceeded: try again in ${Math.ceil(ctx.ttl / 1000)} s`, error: 'rate limit exceeded' });
        return err as unknown as object;
      }),
    );
    app.decorateRequest('caller', null);
    app.setErrorHandler(restErrorHandler(deps.logger.child({ component: 'rest' })));
    // Unknown paths under /api/ meet the JWT check first, as in SUDEVWA (Echo runs group middleware on 404s).
    app.setNotFoundHandler(async (req, reply) => {
      const refusal = req.url.startsWith('/api/') ? await identify(deps, req) : null;
      if (refusal) return reply.status(401).send(refusal);
      return reply.status(404).send({ ...failure('Endpoint not found'), error: 'Not Found' });
    });

    const document = openApiDocument();
    app.get(OPENAPI_PATH, async () => document);
    await app.register(publicAuthRoutes(deps));
    await app.register(
      async (api) => {
        api.addHook('onRequest', authenticate(deps));
        await api.register(accountRoutes(deps));
        await api.register(instanceRoutes(deps));
        await api.register(messageRoutes(deps));
        await api.register(groupRoutes(deps));
      },
      { prefix: '/api' },
    );
  };
}
