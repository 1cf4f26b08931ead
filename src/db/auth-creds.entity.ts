import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/** Baileys `AuthenticationCreds` of one instance, stored as an opaque blob (see auth-value.codec.ts). */
export const AuthCredsSchema = defineEntity({
  name: 'AuthCreds',
  tableName: 'auth_creds',
  properties: {
    // The foreign key cascades so deleting an instance wipes its session in the same statement,
    // and a socket that is still flushing after the delete fails instead of leaving orphans.
    instance: () => p.oneToOne(Instance).primary().mapToPk().deleteRule('cascade'),
    value: p.blob(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class AuthCreds extends AuthCredsSchema.class {}
AuthCredsSchema.setClass(AuthCreds);
