import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

export const ROLES = ['ADMIN', 'USER'] as const;
export type Role = (typeof ROLES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    username: p.string().unique(),
    /** `scrypt$N$r$p$salt$hash`, never the password. */
    passwordHash: p.text(),
    /** Optional contact details (legacy REST `/register` asks for them). */
    email: p.string().nullable().unique(),
    fullName: p.string().nullable(),
    role: p.string().$type<Role>().default('USER'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
