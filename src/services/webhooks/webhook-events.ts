import { createHash, randomUUID } from 'node:crypto';
import type { DomainEvents, EventBus } from '../shared/index.ts';

/**
 * The events a webhook can subscribe to, and where each comes from. Adding one is one line in
 * `WEBHOOK_EVENT_SOURCES` (plus its name here): the GraphQL enum, the filter and the payload follow.
 */
export const WEBHOOK_EVENTS = ['MESSAGE_RECEIVED', 'MESSAGE_SENT', 'MESSAGE_STATUS', 'MESSAGE_EDITED', 'MESSAGE_DELETED', 'MESSAGE_UPDATED', 'INSTANCE_STATUS', 'QR', 'INSTANCE_RESTRICTED', 'GROUP_PARTICIPANTS_UPDATED', 'GROUP_UPDATED'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** One event as every webhook format sees it: a stable id, the instance, and the domain event. */
export type WebhookEvent = {
  [K in keyof typeof WEBHOOK_EVENT_SOURCES]: {
    id: string;
    type: K;
    instanceId: string;
    at: Date;
    data: ReturnType<(typeof WEBHOOK_EVENT_SOURCES)[K]['data']>;
  };
}[WebhookEventName];

interface Source<T extends keyof DomainEvents, D> {
  topic: T;
  /** The instance the event is about, or null when this event is not this webhook event. */
  instanceId(event: DomainEvents[T]): string | null;
  /** What identifies the event for good (the same message redelivered gets the same event id); omitted or undefined: a fresh id. */
  key?(event: DomainEvents[T]): string | undefined;
  data(event: DomainEvents[T]): D;
}

const groupEventKey = (e: DomainEvents['groupEvent']) => (e.notificationId ? `${e.groupJid}:${e.notificationId}` : undefined);

const source = <T extends keyof DomainEvents, D extends object>(topic: T, s: Omit<Source<T, D>, 'topic'>): Source<T, D> => ({ topic, ...s });

export const WEBHOOK_EVENT_SOURCES = {
  MESSAGE_RECEIVED: source('messageReceived', { instanceId: (m) => m.instanceId, key: (m) => m.id, data: (m) => m }),
  MESSAGE_SENT: source('messageSent', { instanceId: (m) => m.instanceId, key: (m) => m.id, data: (m) => m }),
  MESSAGE_STATUS: source('messageStatus', { instanceId: (e) => e.instanceId, key: (e) => `${e.messageId}:${e.status}`, data: (e) => e }),
  MESSAGE_EDITED: source('messageChanged', {
    instanceId: (e) => (e.kind === 'EDITED' ? e.message.instanceId : null),
    // The edit message's own id: each edit is a new event, the same edit delivered again is not.
    key: (e) => `${e.message.id}:edit:${e.causeId ?? e.message.history.edits.length}`,
    data: (e) => e.message,
  }),
  MESSAGE_DELETED: source('messageChanged', { instanceId: (e) => (e.kind === 'DELETED' ? e.message.instanceId : null), key: (e) => `${e.message.id}:deleted`, data: (e) => e.message }),
  MESSAGE_UPDATED: source('messageChanged', {
    instanceId: (e) => (e.kind === 'UPDATED' ? e.message.instanceId : null),
    // The reaction's or vote's own message id.
    key: (e) => (e.causeId ? `${e.message.id}:${e.causeId}` : undefined),
    data: (e) => e.message,
  }),
  INSTANCE_STATUS: source('instanceStatus', { instanceId: (e) => e.instanceId, data: (e) => e }),
  QR: source('qrCode', { instanceId: (q) => q.instanceId, data: (q) => q }),
  INSTANCE_RESTRICTED: source('system', {
    instanceId: (e) => (e.type === 'INSTANCE_RESTRICTED' ? e.instanceId : null),
    data: (e) => ({ instanceId: e.instanceId, message: e.message, at: e.at }),
  }),
  // WhatsApp's notification id: one notification is one change, delivered again it is the same event.
  GROUP_PARTICIPANTS_UPDATED: source('groupEvent', { instanceId: (e) => (e.type.startsWith('PARTICIPANTS_') ? e.instanceId : null), key: groupEventKey, data: (e) => e }),
  GROUP_UPDATED: source('groupEvent', { instanceId: (e) => (e.type.startsWith('PARTICIPANTS_') ? null : e.instanceId), key: groupEventKey, data: (e) => e }),
} satisfies Record<WebhookEventName, { topic: keyof DomainEvents }>;

/**
 * A UUID derived from what identifies the event, so the same fact seen twice (WhatsApp redelivers
 * a message after a crash) is one event id, and the outbox's unique key drops the second.
 */
function eventId(instanceId: string, type: WebhookEventName, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${instanceId}\u0000${type}\u0000${key}`).digest('hex');
  // RFC 4122 layout, version 8 (custom), variant 10.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The webhook event a domain event is, or null when it is not this one (a system event of another type). */
export function toWebhookEvent<K extends WebhookEventName>(type: K, event: DomainEvents[(typeof WEBHOOK_EVENT_SOURCES)[K]['topic']]): WebhookEvent | null {
  const s = WEBHOOK_EVENT_SOURCES[type] as unknown as Source<keyof DomainEvents, object>;
  const instanceId = s.instanceId(event);
  if (!instanceId) return null;
  return { id: eventId(instanceId, type, s.key?.(event)), type, instanceId, at: new Date(), data: s.data(event) } as WebhookEvent;
}

/**
 * Subscribes to every source; returns the unsubscribers. Listeners only hand the event over (no I/O).
 * `wanted`: whether an event of this type and instance may go anywhere; when it says no, the
 * webhook event is not made.
 */
export function onWebhookEvents(bus: EventBus, listener: (event: WebhookEvent) => void, wanted: (type: WebhookEventName, instanceId: string) => boolean = () => true): Array<() => void> {
  return (Object.keys(WEBHOOK_EVENT_SOURCES) as WebhookEventName[]).map((type) => {
    const s = WEBHOOK_EVENT_SOURCES[type] as unknown as Source<keyof DomainEvents, object>;
    return bus.on(WEBHOOK_EVENT_SOURCES[type].topic, (event) => {
      const instanceId = s.instanceId(event as never);
      if (!instanceId || !wanted(type, instanceId)) return;
      const webhookEvent = toWebhookEvent(type, event as never);
      if (webhookEvent) listener(webhookEvent);
    });
  });
}
