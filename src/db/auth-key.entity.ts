import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/** One Baileys Signal key (`SignalDataTypeMap`) of one instance, stored as an opaque blob. */
export const AuthKeySchema = defineEntity({
  name: 'AuthKey',
  tableName: 'auth_key',
  primaryKeys: ['instance', 'type', 'keyId'],
  properties: {
    instance: () => p.manyToOne(Instance).primary().mapToPk().deleteRule('cascade'),
    type: p.string().primary(),
    // Baileys builds ids from JIDs (sender keys join two of them), so no length limit is safe.
    keyId: p.text().primary(),
    value: p.blob(),
  },
});

export class AuthKey extends AuthKeySchema.class {}
AuthKeySchema.setClass(AuthKey);
