import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';
import { User } from './user.entity.ts';

/** A user other than the owner may see and drive this instance. */
export const InstanceGrantSchema = defineEntity({
  name: 'InstanceGrant',
  tableName: 'instance_grant',
  primaryKeys: ['user', 'instance'],
  properties: {
    user: () => p.manyToOne(User).primary().mapToPk().deleteRule('cascade'),
    instance: () => p.manyToOne(Instance).primary().mapToPk().deleteRule('cascade').index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class InstanceGrant extends InstanceGrantSchema.class {}
InstanceGrantSchema.setClass(InstanceGrant);
