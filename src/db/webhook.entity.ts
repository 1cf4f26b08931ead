import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/** Where an instance's incoming messages are POSTed, and the HMAC key (encrypted at rest). */
export const WebhookConfigSchema = defineEntity({
  name: 'WebhookConfig',
  tableName: 'webhook_config',
  properties: {
    instance: () => p.manyToOne(Instance).primary().mapToPk().deleteRule('cascade'),
    url: p.text(),
    secret: p.blob(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class WebhookConfig extends WebhookConfigSchema.class {}
WebhookConfigSchema.setClass(WebhookConfig);

/**
 * The outbox: one row per webhook POST still owed. Written when the message arrives, deleted once
 * the target answered 2xx, so a crash or restart in between loses nothing (at-least-once).
 * `nextAttemptAt` doubles as the lease: a worker claims a row by pushing it into the future.
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    instance: () => p.manyToOne(Instance).mapToPk().deleteRule('cascade').index(),
    url: p.text(),
    /** The exact JSON body, encrypted at rest (it holds message text). */
    body: p.blob(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().index(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
