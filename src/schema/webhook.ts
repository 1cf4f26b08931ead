import type { DeliveryView, WebhookView } from '../services/webhooks/index.ts';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../services/webhooks/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

// A Record, so a new webhook event does not compile until it is described here.
const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventName, string> = {
  MESSAGE_RECEIVED: 'A message arrived (or was sent from the phone itself); `data` is the stored message as `messageReceived` has it, with its `cursor`.',
  MESSAGE_SENT: 'WhatsApp accepted a message this gateway sent; `data` is the stored message (status SENT).',
  MESSAGE_STATUS: 'A stored message changed status (queued, sent, delivered, read, played, failed, …); `data` holds `instanceId`, `messageId`, `status`, `at` and the stored `message`.',
  MESSAGE_EDITED: 'The author of a stored message edited it; `data` is the stored message (the new `text`, the former ones in `history.edits`).',
  MESSAGE_DELETED: 'The author of a stored message deleted it for everyone; `data` is the stored message (`history.deletedAt` set).',
  MESSAGE_UPDATED: "A stored message's reactions or poll votes changed (a reaction or vote arrived or was sent); `data` is the stored message (`reactions`, `pollResults`). The event id is derived from the reaction's or vote's own message id.",
  INSTANCE_STATUS: 'An instance changed status; `data` is the `instanceStatus` event.',
  QR: 'A new QR code for linking; `data` holds `instanceId`, `code`, `pngDataUrl`, `expiresAt`.',
  GROUP_PARTICIPANTS_UPDATED: 'Members of a group the instance is in were added, removed (or left), promoted or demoted; `data` is the `groupEvents` event.',
  GROUP_UPDATED: "A group's subject, description, settings or invite link changed, or the instance was put in a new group; `data` is the `groupEvents` event.",
  INSTANCE_RESTRICTED: "WhatsApp restricted the instance's account and its sends are paused; `data` holds `instanceId`, `message`, `at`.",
};

export const WebhookEventEnum = builder.enumType('WebhookEvent', {
  description: 'What a webhook can be told about. Every POST body is `{id, type, instanceId, createdAt, data}`.',
  values: Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e, { description: WEBHOOK_EVENT_DESCRIPTIONS[e] }])) as Record<WebhookEventName, { description: string }>,
});

export const DeliveryStatusEnum = builder.enumType('DeliveryStatus', {
  description: 'Where a webhook delivery stands. Delivered ones are not kept.',
  values: {
    PENDING: { description: 'Queued: being sent, or waiting for its retry or for earlier deliveries of its instance.' },
    FAILED: { description: 'Given up after WEBHOOK_MAX_ATTEMPTS (or refused for good by the receiver); kept until replayed or pruned.' },
  } as const,
});

export const WebhookType = builder.objectRef<WebhookView>('Webhook').implement({
  description: 'Where events are POSTed. The secret is shown only by `createWebhook`.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The webhook id.' }),
    instanceId: t.exposeID('instanceId', { nullable: true, description: 'Its instance; null: every instance its owner may see, including later ones.' }),
    ownerId: t.exposeID('ownerId', { nullable: true, description: 'Who created it.' }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed.' }),
    events: t.field({ type: [WebhookEventEnum], description: 'The events it receives.', resolve: (w) => w.events }),
    format: t.exposeString('format', { description: '`wamux` (this API), or `sudevwa` for the legacy per-instance webhook (incoming messages only, SUDEVWA body and signature).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last changed.' }),
  }),
});

export const CreateWebhookPayloadType = builder.objectRef<{ webhook: WebhookView; secret: string }>('CreateWebhookPayload').implement({
  description: 'A new webhook and its signing secret. Store the secret now: it is not shown again.',
  fields: (t) => ({
    webhook: t.field({ type: WebhookType, description: 'The webhook.', resolve: (p) => p.webhook }),
    secret: t.exposeString('secret', { description: 'The HMAC-SHA256 key of `X-Wamux-Signature` (the given one, or 64 generated hex characters).' }),
  }),
});

export const WebhookDeliveryType = builder.objectRef<DeliveryView>('WebhookDelivery').implement({
  description: 'One event owed to one webhook, or given up.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The delivery id (for `replayWebhookDeliveries`).' }),
    webhookId: t.exposeID('webhookId', { description: 'The webhook.' }),
    instanceId: t.exposeID('instanceId', { description: 'The instance the event is about.' }),
    eventId: t.exposeID('eventId', { description: 'The event id the body carries as `id`: the same on every attempt and replay.' }),
    event: t.field({ type: WebhookEventEnum, description: 'The event type.', resolve: (d) => d.event }),
    status: t.field({ type: DeliveryStatusEnum, description: 'PENDING or FAILED.', resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far (a replay starts again at 0).' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed (`HTTP 500`, `ECONNREFUSED`, a timeout, …).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was queued.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'PENDING: when the next attempt is due (at the earliest; earlier deliveries of its instance go first).' }),
    failedAt: t.expose('failedAt', { type: 'DateTime', nullable: true, description: 'FAILED: when it was given up.' }),
  }),
});
