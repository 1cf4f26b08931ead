import type { FastifyInstance } from 'fastify';
import type { Services } from '../services/index.ts';
import type { WebhookService } from '../services/webhooks/index.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import { body, callerOf } from './context.ts';
import { ok } from './envelope.ts';
import { accessDenied, rateLimited, restErrorHandler, restReply, type LegacyRouteConfig } from './errors.ts';
import { resolveInstanceRef } from './legacy-instance-ref.ts';
import { SUDEVWA_FORMAT_NAME } from './webhook-format.ts';

export interface WebhookRouteOptions extends Pick<Services, 'instances' | 'auth'> {
  webhooks: WebhookService;
  /** The per-address HTTP bucket every route counts into. */
  rateLimits: RateLimits;
}

const config: { legacy: LegacyRouteConfig } = {
  legacy: { scope: 'webhook', bindCode: 'INVALID_REQUEST', failed: { message: 'Failed to update webhook config', code: 'WEBHOOK_UPDATE_FAILED' } },
};

/** SUDEVWA's `POST /api/instances/:instanceId/webhook-setconfig` (docs/sudevwa-api.md §9). */
export async function webhookRoutes(scope: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  scope.addHook('onRequest', opts.rateLimits.addressHook(() => restReply(rateLimited())));
  scope.setErrorHandler(restErrorHandler());
  // An empty body names no URL: SUDEVWA answers it as the missing field, not as an unreadable body.
  const json = scope.getDefaultJsonParser('error', 'error');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, raw, done) => (raw === '' ? done(null, {}) : json(req, raw as string, done)));

  scope.post<{ Params: { instanceId: string } }>('/api/instances/:instanceId/webhook-setconfig', { config }, async (req) => {
    const caller = await callerOf(opts, req);
    const instanceId = await resolveInstanceRef(opts.instances, req.params.instanceId);
    if (!(await caller.access.mayUse(instanceId))) throw accessDenied();
    const hook = await opts.webhooks.setInstanceWebhook(instanceId, SUDEVWA_FORMAT_NAME, body(req) as { url?: unknown; secret?: unknown });
    return ok('Webhook config updated', { instanceId: hook.instanceId, webhookUrl: hook.url, secret: hook.secret });
  });
}
