import { createHmac } from 'node:crypto';
import type { WebhookFormat } from '../services/webhooks/index.ts';
import { isLegacyIncoming, legacyIncomingPayload } from './incoming-payload.ts';

export const SUDEVWA_FORMAT_NAME = 'sudevwa';
export const SUDEVWA_SIGNATURE_HEADER = 'X-SUDEVWA-Signature';

/**
 * SUDEVWA's webhook: only `incoming_message` (the account's own messages skipped), signed with
 * lowercase hex HMAC-SHA256 of the raw body. Unordered, as SUDEVWA posted each message on its own
 * goroutine: up to `WEBHOOK_CONCURRENCY_PER_TARGET` requests at once.
 */
export const sudevwaFormat: WebhookFormat = {
  name: SUDEVWA_FORMAT_NAME,
  ordered: false,
  render(event) {
    if (event.type !== 'MESSAGE_RECEIVED' || !isLegacyIncoming(event.data)) return null;
    return JSON.stringify({ event: 'incoming_message', timestamp: event.at.toISOString(), data: legacyIncomingPayload(event.data) });
  },
  sign: (secret, body) => ({ [SUDEVWA_SIGNATURE_HEADER]: createHmac('sha256', secret).update(body).digest('hex') }),
};
