import { builder, type Context } from '../schema/builder.ts';
import { CreateWebhookPayloadType, DeliveryStatusEnum, WebhookDeliveryType, WebhookEventEnum, WebhookType } from '../schema/webhook.ts';
import { validationFailed } from '../services/shared/index.ts';
import type { WebhookCaller } from '../services/webhooks/index.ts';

/** The permission rules ran first: a principal and its access are there. */
const caller = (ctx: Context): WebhookCaller => ({ principal: ctx.principal!, access: ctx.access! });

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  description: 'A new webhook.',
  fields: (t) => ({
    instanceId: t.id({ description: 'The instance whose events it receives; omitted: every instance you may see, including later ones.' }),
    url: t.string({ required: true, description: 'An absolute http(s) URL.' }),
    events: t.field({ type: [WebhookEventEnum], required: true, description: 'The events it receives (at least one).' }),
    secret: t.string({ description: 'The signing key, 16 to 256 characters; generated when omitted.' }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  description: 'Changes to a webhook; omitted fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The webhook id.' }),
    url: t.string({ description: 'A new URL (queued deliveries go there too).' }),
    events: t.field({ type: [WebhookEventEnum], description: 'The new event list (at least one).' }),
    secret: t.string({ description: 'A new signing key (what is still queued is signed with it too).' }),
  }),
});

const DeleteWebhookResult = builder.objectRef<{ id: string }>('DeleteWebhookResult').implement({
  description: 'A webhook that was deleted, with its queued and failed deliveries.',
  fields: (t) => ({ id: t.exposeID('id', { description: 'The id the deleted webhook had.' }) }),
});

const ReplayWebhookDeliveriesResult = builder.objectRef<{ replayed: number }>('ReplayWebhookDeliveriesResult').implement({
  description: 'Failed deliveries put back in the queue.',
  fields: (t) => ({ replayed: t.exposeInt('replayed', { description: 'How many were queued again.' }) }),
});

builder.queryFields((t) => ({
  webhooks: t.field({
    type: [WebhookType],
    description: 'The webhooks you may see: those of instances you may use and your own instance-wide ones (every webhook, for administrators).',
    resolve: (_r, _a, ctx) => ctx.webhooks.list(caller(ctx)),
  }),
  webhookDeliveries: t.connection(
    {
      type: WebhookDeliveryType,
      description:
        "A webhook's queued (PENDING) and given-up (FAILED) deliveries, oldest event first: a Relay connection paged forward (`first` 1 to 500, default 50; `after`). Fails with WEBHOOK_NOT_FOUND, or VALIDATION_FAILED for `last`/`before`.",
      args: {
        webhookId: t.arg.id({ required: true, description: 'The webhook.' }),
        status: t.arg({ type: DeliveryStatusEnum, description: 'Only deliveries in this state.' }),
      },
      resolve: async (_r, { webhookId, status, first, after, last, before }, ctx) => {
        if (last != null || before != null) throw validationFailed('webhookDeliveries pages forward only: use first and after', { field: last != null ? 'last' : 'before' });
        const page = await ctx.webhooks.deliveries(caller(ctx), webhookId, { status, first, after });
        return {
          edges: page.nodes.map((node) => ({ cursor: node.cursor, node })),
          pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: !!after, startCursor: page.nodes[0]?.cursor ?? null, endCursor: page.endCursor },
        };
      },
    },
    { name: 'WebhookDeliveryConnection', description: 'A page of deliveries, oldest event first.' },
    { name: 'WebhookDeliveryEdge', description: 'A delivery and its cursor (pass it as `after` to continue after it).' },
  ),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayloadType,
    description: 'Creates a webhook owned by you. Fails with INSTANCE_NOT_FOUND, FORBIDDEN (an instance you may not use) or VALIDATION_FAILED (a private URL without WEBHOOK_ALLOW_PRIVATE_URLS).',
    args: { input: t.arg({ type: CreateWebhookInput, required: true, description: 'The new webhook.' }) },
    resolve: (_r, { input }, ctx) => ctx.webhooks.create(caller(ctx), input),
  }),
  updateWebhook: t.field({
    type: WebhookType,
    description: 'Changes the URL, events or secret of a webhook. Fails with WEBHOOK_NOT_FOUND or VALIDATION_FAILED.',
    args: { input: t.arg({ type: UpdateWebhookInput, required: true, description: 'The changes.' }) },
    resolve: (_r, { input: { id, ...changes } }, ctx) => ctx.webhooks.update(caller(ctx), id, changes),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookResult,
    description: 'Deletes a webhook with its queued and failed deliveries. Fails with WEBHOOK_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The webhook id.' }) },
    resolve: async (_r, { id }, ctx) => {
      await ctx.webhooks.delete(caller(ctx), id);
      return { id };
    },
  }),
  replayWebhookDeliveries: t.field({
    type: ReplayWebhookDeliveriesResult,
    description:
      'Queues FAILED deliveries again, due now, in their original order with the same event ids: those in `ids`, or those of events queued since `since`, or all of the webhook. Fails with WEBHOOK_NOT_FOUND.',
    args: {
      webhookId: t.arg.id({ required: true, description: 'The webhook.' }),
      ids: t.arg.idList({ description: 'Delivery ids (from `webhookDeliveries`).' }),
      since: t.arg({ type: 'DateTime', description: 'Only events queued at or after this time.' }),
    },
    resolve: async (_r, { webhookId, ids, since }, ctx) => ({ replayed: await ctx.webhooks.replay(caller(ctx), webhookId, { ids, since }) }),
  }),
}));
