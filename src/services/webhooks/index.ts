// Each instance's incoming-message webhook: config and the delivery outbox. The one public file of `services/webhooks`.
export { WebhookService, type WebhookConfigView, type WebhookServiceDeps, type WebhookUrlProblem } from './webhook.service.ts';
