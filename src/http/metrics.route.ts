import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../services/shared/metrics.ts';

/** `GET /metrics` in Prometheus' text format; with a token set, only for `Authorization: Bearer <token>`. */
export async function metricsRoute(http: FastifyInstance, deps: { metrics: Metrics; token: string | undefined }): Promise<void> {
  const expected = deps.token ? Buffer.from(`Bearer ${deps.token}`) : undefined;
  http.get('/metrics', async (req, reply) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
      }
    }
    const { contentType, body } = await deps.metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
