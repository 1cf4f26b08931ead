import { defineEntity, p } from '@mikro-orm/core';
import { Broadcast } from './broadcast.entity.ts';
import { Instance } from './instance.entity.ts';

export const MESSAGE_DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/**
 * Inbound rows are RECEIVED (READ once marked read); outbound rows walk QUEUED → SENDING → SENT →
 * DELIVERED → READ/PLAYED, or end FAILED/CANCELLED. SCHEDULED waits for `sendAfter`.
 */
export const MESSAGE_STATUSES = ['SCHEDULED', 'QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'PLAYED', 'FAILED', 'CANCELLED', 'RECEIVED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * The ledger: every message of every instance, both directions. `seq` (a bigserial) is the cursor:
 * assigned by the database at insert, so it grows across the process and across gateways sharing
 * the database. What readers filter on is plain; what people wrote (text, captions, names, media
 * keys) sits in `content`, encrypted JSON, so new message kinds add fields without a migration.
 */
export const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'message',
  uniques: [
    // WhatsApp redelivers: one row per WhatsApp message id and instance.
    { properties: ['instance', 'waId'] },
    // Sends with an idempotency key: one row per key and instance (NULLs are distinct).
    { properties: ['instance', 'idempotencyKey'] },
  ],
  indexes: [
    { properties: ['instance', 'seq'] },
    { properties: ['instance', 'chatJid', 'seq'] },
    { properties: ['status', 'instance', 'seq'] },
  ],
  properties: {
    seq: p.bigint('number').primary().autoincrement(),
    instance: () => p.manyToOne(Instance).mapToPk().deleteRule('cascade'),
    /** WhatsApp's message id; for sends chosen before the first attempt, so a re-send reuses it. */
    waId: p.string(),
    direction: p.string().$type<MessageDirection>(),
    /** Inbound from the account's own phone (or another linked device) are fromMe too. */
    fromMe: p.boolean(),
    chatJid: p.string(),
    senderJid: p.string().nullable(),
    senderLid: p.string().nullable(),
    senderPhone: p.string().nullable(),
    kind: p.string(),
    /** Encrypted JSON (SECRETS_KEY): text, caption, media reference, push name, later kinds' fields. */
    content: p.blob(),
    quotedId: p.string().nullable(),
    /** WhatsApp's timestamp (the sender's clock for inbound; the send time for outbound). */
    waTimestamp: p.datetime().nullable(),
    status: p.string().$type<MessageStatus>(),
    /** When each status was reached: `{ "SENT": "2026-…", … }`. */
    statusTimes: p.json<Partial<Record<MessageStatus, string>>>(),
    errorCode: p.string().nullable(),
    errorMessage: p.text().nullable(),
    idempotencyKey: p.string().nullable(),
    /** Outbound: not before this time (scheduled sends); null = as soon as possible. */
    sendAfter: p.datetime().nullable(),
    attempts: p.integer().default(0),
    /** The broadcast this send belongs to; null for single sends and inbound messages. */
    broadcast: () => p.manyToOne(Broadcast).mapToPk().nullable().deleteRule('cascade').index(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
