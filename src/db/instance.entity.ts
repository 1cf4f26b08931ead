import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const INSTANCE_STATUSES = [
  'CREATED',
  'QR_PENDING',
  'PAIRING',
  'CONNECTING',
  'ONLINE',
  'RECONNECTING',
  'DISCONNECTED',
  'LOGGED_OUT',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const InstanceSchema = defineEntity({
  name: 'Instance',
  tableName: 'instance',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // Legacy REST routes address instances by name, so it has to identify one.
    name: p.string().unique(),
    // A plain string column rather than a native enum: adding a state later must not need a
    // migration that rewrites a type every running gateway reads.
    status: p.string().$type<InstanceStatus>().default('CREATED'),
    phoneNumber: p.string().nullable(),
    jid: p.string().nullable(),
    lid: p.string().nullable(),
    pushName: p.string().nullable(),
    lastError: p.text().nullable(),
    connectedAt: p.datetime().nullable(),
    ownerId: p.string().nullable().index(),
    // SUDEVWA's `circle` (`kelompok` at creation), `used` and `keterangan`: labels for the
    // operator's own bookkeeping, never read by the gateway itself.
    groupLabel: p.string().nullable(),
    used: p.boolean().default(true),
    note: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Instance extends InstanceSchema.class {}
InstanceSchema.setClass(Instance);
