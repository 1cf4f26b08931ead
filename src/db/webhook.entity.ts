import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';
import { User } from './user.entity.ts';

/**
 * A configured webhook: where events are POSTed, which ones, in which wire format, and the HMAC key
 * (encrypted at rest). `instance` null: every instance its owner may see, including later ones.
 * The legacy SUDEVWA webhook of an instance is a row of format `sudevwa`.
 */
export const WebhookConfigSchema = defineEntity({
  name: 'WebhookConfig',
  tableName: 'webhook_config',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    instance: () => p.manyToOne(Instance).mapToPk().nullable().deleteRule('cascade').index(),
    /** Who created it (null for legacy rows written before webhooks had owners). */
    owner: () => p.manyToOne(User).mapToPk().nullable().deleteRule('cascade').index(),
    format: p.text(),
    url: p.text(),
    /** Webhook event names (`MESSAGE_RECEIVED`, …). */
    events: p.array(),
    secret: p.blob(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class WebhookConfig extends WebhookConfigSchema.class {}
WebhookConfigSchema.setClass(WebhookConfig);

/** What a queued delivery and a dead letter both hold: one event rendered for one webhook. */
const deliveryProperties = () => ({
  id: p.uuid().primary().onCreate(() => randomUUID()),
  webhook: () => p.manyToOne(WebhookConfig).mapToPk().deleteRule('cascade'),
  instance: () => p.manyToOne(Instance).mapToPk().deleteRule('cascade').index(),
  /** The event's id, the same on every attempt, replay and webhook (receivers dedupe on it). */
  eventId: p.uuid(),
  event: p.text(),
  /** Enqueue order; a delivery of an ordered webhook waits for every lower one of its webhook + instance. */
  seq: p.bigint('number'),
  ordered: p.boolean(),
  /** The exact JSON body, encrypted at rest (it holds message text). */
  body: p.blob(),
  attempts: p.integer().default(0),
  lastError: p.text().nullable(),
  createdAt: p.datetime().onCreate(() => new Date()),
});

/**
 * The outbox: one row per webhook POST still owed. Written before any attempt and deleted once the
 * target answered 2xx, so a crash or restart in between loses nothing (at-least-once).
 * `nextAttemptAt` doubles as the lease: a worker claims a row by pushing it into the future.
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  uniques: [{ properties: ['webhook', 'eventId'] }],
  indexes: [{ properties: ['webhook', 'instance', 'seq'] }],
  properties: {
    ...deliveryProperties(),
    seq: p.bigint('number').autoincrement(),
    nextAttemptAt: p.datetime().index(),
  },
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

/**
 * Dead letters: deliveries that ran out of attempts (or were refused for good). Kept apart from the
 * outbox so the dispatcher's table holds only live work; listed and replayed through the API, and
 * pruned after `WEBHOOK_DEAD_LETTER_RETENTION_DAYS`.
 */
export const WebhookDeadLetterSchema = defineEntity({
  name: 'WebhookDeadLetter',
  tableName: 'webhook_dead_letter',
  indexes: [{ properties: ['webhook', 'seq'] }, { properties: ['failedAt'] }],
  properties: {
    ...deliveryProperties(),
    failedAt: p.datetime(),
  },
});

export class WebhookDeadLetter extends WebhookDeadLetterSchema.class {}
WebhookDeadLetterSchema.setClass(WebhookDeadLetter);

/**
 * How far the outbox has taken the ledger's inbound messages (`name` 'messageReceived': the highest
 * cursor written). Advanced in the same transaction as the rows, so after a crash the next start
 * knows exactly which stored messages never reached the outbox.
 */
export const WebhookWatermarkSchema = defineEntity({
  name: 'WebhookWatermark',
  tableName: 'webhook_watermark',
  properties: {
    name: p.text().primary(),
    seq: p.bigint('number'),
  },
});

export class WebhookWatermark extends WebhookWatermarkSchema.class {}
WebhookWatermarkSchema.setClass(WebhookWatermark);
