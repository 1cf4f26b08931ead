import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { InstanceAccess, type AuthService } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';
import type { InstanceService } from '../services/instances/index.ts';
import type { WebhookService } from '../services/webhooks/index.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import { failure, ok as success } from './envelope.ts';
import { authenticateLegacy } from './legacy-auth.ts';
import { resolveInstanceRef } from './legacy-instance-ref.ts';
import { SUDEVWA_FORMAT_NAME } from './webhook-format.ts';

export interface WebhookRouteOptions {
  instances: InstanceService;
  auth: AuthService;
  webhooks: WebhookService;
  /** The per-address HTTP bucket every route counts into. */
  rateLimits: RateLimits;
}

const ok = (reply: FastifyReply, message: string, data?: unknown) => reply.status(200).send(success(message, data));
const fail = (reply: FastifyReply, status: number, message: string, code?: string, details?: string) => reply.status(status).send(failure(message, code, details));

/** SUDEVWA's `POST /api/instances/:instanceId/webhook-setconfig` (reference section 9). */
export async function webhookRoutes(scope: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  await scope.register(
    rateLimit,
    opts.rateLimits.httpPluginOptions(() => ({ statusCode: 429, success: false, error: 'rate limit exceeded' })),
  );

  // Body parsing failures (bad JSON, a content type that is not JSON) are SUDEVWA's bind errors.
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.statusCode === 429) return reply.status(429).send({ success: false, error: 'rate limit exceeded' });
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return fail(reply, 400, "Field 'url' is required", 'VALIDATION_ERROR');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return fail(reply, 400, 'Invalid request body', 'INVALID_REQUEST', err.message);
    req.log.error({ err }, 'webhook-setconfig failed');
    return fail(reply, 500, 'Failed to update webhook config', 'WEBHOOK_UPDATE_FAILED');
  });

  scope.post<{ Params: { instanceId: string } }>('/api/instances/:instanceId/webhook-setconfig', async (req, reply) => {
    const who = await authenticateLegacy(opts.auth, { authorization: req.headers.authorization, queryToken: null });
    if (!who.ok) return reply.status(who.status).send(who.body);
    const access = new InstanceAccess(who.principal!, opts.auth, opts.instances);
    const instanceId = await resolveInstanceRef(opts.instances, req.params.instanceId);
    if (!(await access.mayUse(instanceId))) return fail(reply, 403, 'You do not have access to this instance');
    const body = req.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) return fail(reply, 400, 'Invalid request body', 'INVALID_REQUEST', 'the body must be a JSON object');
    try {
      const hook = await opts.webhooks.setInstanceWebhook(instanceId, SUDEVWA_FORMAT_NAME, body as { url?: unknown; secret?: unknown });
      return ok(reply, 'Webhook config updated', { instanceId: hook.instanceId, webhookUrl: hook.url, secret: hook.secret });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'INSTANCE_NOT_FOUND') return fail(reply, 404, 'Instance not found', 'INSTANCE_NOT_FOUND');
      if (err.code === 'VALIDATION_FAILED') {
        const reason = err.details?.reason;
        if (reason === 'required') return fail(reply, 400, err.message, 'VALIDATION_ERROR');
        if (reason) return fail(reply, 400, err.message, 'INVALID_URL');
        return fail(reply, 400, err.message, 'VALIDATION_ERROR');
      }
      throw err;
    }
  });
}
