import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/**
 * One bulk send: its messages are ordinary ledger rows (`message.broadcast_id`), so its counts are
 * read from them, never kept twice. What is stored here is only what the rows cannot say.
 */
export const BroadcastSchema = defineEntity({
  name: 'Broadcast',
  tableName: 'broadcast',
  uniques: [
    // A retried createBroadcast with the same key returns the first one (NULLs are distinct).
    { properties: ['instance', 'idempotencyKey'] },
  ],
  properties: {
    id: p.uuid().primary(),
    instance: () => p.manyToOne(Instance).mapToPk().deleteRule('cascade'),
    idempotencyKey: p.string().nullable(),
    total: p.integer(),
    /** Set by cancelBroadcast: its rows still SCHEDULED or QUEUED were cancelled then. */
    cancelledAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Broadcast extends BroadcastSchema.class {}
BroadcastSchema.setClass(Broadcast);
