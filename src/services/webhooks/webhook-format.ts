import { createHmac } from 'node:crypto';
import type { WebhookEvent } from './webhook-events.ts';

/**
 * How events look on the wire for one kind of receiver. The outbox, retries and ordering are the
 * same for every format; transports that speak another dialect (SUDEVWA) plug theirs in at the
 * composition root, so the domain never imports their wire format.
 */
export interface WebhookFormat {
  readonly name: string;
  /** True: one instance's deliveries to a webhook arrive one at a time, in event order. */
  readonly ordered: boolean;
  /** The JSON body for this event, or null when the format does not carry it. */
  render(event: WebhookEvent): string | null;
  /** Headers that let the receiver authenticate the body; called at every attempt. */
  sign(secret: string, body: Buffer, now: Date): Record<string, string>;
}

export const WAMUX_FORMAT_NAME = 'wamux';
export const WAMUX_SIGNATURE_HEADER = 'X-Wamux-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`: the timestamp is signed too, so an old request cannot be replayed later. */
export function wamuxSignature(secret: string, body: Buffer, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** wamux's own format: `{id, type, instanceId, createdAt, data}`, ordered, every event. */
export const wamuxFormat: WebhookFormat = {
  name: WAMUX_FORMAT_NAME,
  ordered: true,
  render: (event) => JSON.stringify({ id: event.id, type: event.type, instanceId: event.instanceId, createdAt: event.at, data: event.data }),
  sign: (secret, body, now) => ({ [WAMUX_SIGNATURE_HEADER]: wamuxSignature(secret, body, now) }),
};
