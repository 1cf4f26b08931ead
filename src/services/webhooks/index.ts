// Webhooks for every event: config, the outbox, delivery, dead letters and replay; the wire format
// is pluggable (the legacy module plugs SUDEVWA's in). The one public file of `services/webhooks`.
export { WebhookService, type DeliveryPage, type DeliveryView, type WebhookCaller, type WebhookServiceDeps, type WebhookView } from './webhook.service.ts';
export { WEBHOOK_EVENTS, type WebhookEvent, type WebhookEventName } from './webhook-events.ts';
export { wamuxFormat, wamuxSignature, WAMUX_SIGNATURE_HEADER, type WebhookFormat } from './webhook-format.ts';
export type { WebhookUrlProblem } from './webhook-url.ts';
