import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../services/shared/index.ts';
import { HTTP_REFUSALS, sendErrorReply } from './error-replies.ts';

/** `GET /metrics` in Prometheus' text format; with a token set, only for `Authorization: Bearer <token>`. */
export async function metricsRoute(http: FastifyInstance, deps: { metrics: Metrics; token: string | undefined }): Promise<void> {
  const expected = deps.token ? Buffer.from(`Bearer ${deps.token}`) : undefined;
  http.get('/metrics', async (req, reply) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return sendErrorReply(reply, HTTP_REFUSALS.metricsToken);
      }
    }
    const { contentType, body } = await deps.metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
