import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ApiKey } from './api-key.entity.ts';
import { InstanceGrant } from './instance-grant.entity.ts';
import type { Orm } from './orm.ts';
import { RefreshToken } from './refresh-token.entity.ts';
import { User, type Role } from './user.entity.ts';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  passwordHash: string;
  email: string | null;
  fullName: string | null;
  createdAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export class UsernameTaken extends Error {}
export class EmailTaken extends Error {}

const userRecord = (u: User): UserRecord => ({
  id: u.id,
  username: u.username,
  role: u.role,
  passwordHash: u.passwordHash,
  email: u.email ?? null,
  fullName: u.fullName ?? null,
  createdAt: u.createdAt,
});
const keyRecord = (k: ApiKey): ApiKeyRecord => ({
  id: k.id,
  userId: k.user as unknown as string,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt ?? null,
  revokedAt: k.revokedAt ?? null,
});

/** Users, their API keys, refresh tokens and instance grants. */
export class AccountRepository {
  private readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  private em() {
    return this.orm.em.fork();
  }

  async countUsers(): Promise<number> {
    return this.em().count(User, {});
  }

  async createUser(input: { username: string; passwordHash: string; role: Role; email?: string | null; fullName?: string | null }): Promise<UserRecord> {
    const em = this.em();
    const user = em.create(User, { ...input, email: input.email ?? null, fullName: input.fullName ?? null });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException && err.message.includes('app_user_email_unique')) throw new EmailTaken(input.email ?? '');
      if (err instanceof UniqueConstraintViolationException) throw new UsernameTaken(input.username);
      throw err;
    }
    return userRecord(user);
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const u = await this.em().findOne(User, { username });
    return u ? userRecord(u) : null;
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const u = await this.em().findOne(User, { id });
    return u ? userRecord(u) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.em().find(User, {}, { orderBy: { createdAt: 'asc' } })).map(userRecord);
  }

  // ---- refresh tokens ----

  async addRefreshToken(input: { userId: string; tokenHash: string; family: string; expiresAt: Date }): Promise<void> {
    const em = this.em();
    em.create(RefreshToken, { user: input.userId, tokenHash: input.tokenHash, family: input.family, expiresAt: input.expiresAt });
    await em.flush();
  }

  async findRefreshToken(tokenHash: string): Promise<{ id: string; userId: string; family: string; expiresAt: Date; revokedAt: Date | null } | null> {
    const t = await this.em().findOne(RefreshToken, { tokenHash });
    return t ? { id: t.id, userId: t.user as unknown as string, family: t.family, expiresAt: t.expiresAt, revokedAt: t.revokedAt ?? null } : null;
  }

  /** Revokes one token if it is still live; false when someone else revoked it first (a concurrent rotation). */
  async revokeRefreshToken(id: string): Promise<boolean> {
    return (await this.em().nativeUpdate(RefreshToken, { id, revokedAt: null }, { revokedAt: new Date() })) === 1;
  }

  /** A new password hash; every refresh token of the user is revoked with it (sessions elsewhere end). */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.nativeUpdate(User, { id: userId }, { passwordHash });
      await em.nativeUpdate(RefreshToken, { user: userId, revokedAt: null }, { revokedAt: new Date() });
    });
  }

  /** A login session is live while one refresh token of its family is not revoked (rotation keeps it live; logout and password changes end it). */
  async familyIsLive(family: string): Promise<boolean> {
    return (await this.em().count(RefreshToken, { family, revokedAt: null })) > 0;
  }

  async revokeFamily(family: string): Promise<void> {
    await this.em().nativeUpdate(RefreshToken, { family, revokedAt: null }, { revokedAt: new Date() });
  }

  // ---- API keys ----

  async addApiKey(input: { userId: string; name: string; keyHash: string; prefix: string }): Promise<ApiKeyRecord> {
    const em = this.em();
    const key = em.create(ApiKey, { user: input.userId, name: input.name, keyHash: input.keyHash, prefix: input.prefix });
    await em.flush();
    return keyRecord(key);
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const k = await this.em().findOne(ApiKey, { keyHash });
    return k ? keyRecord(k) : null;
  }

  async listApiKeys(userId?: string): Promise<ApiKeyRecord[]> {
    return (await this.em().find(ApiKey, userId ? { user: userId } : {}, { orderBy: { createdAt: 'asc' } })).map(keyRecord);
  }

  async findApiKey(id: string): Promise<ApiKeyRecord | null> {
    const k = await this.em().findOne(ApiKey, { id });
    return k ? keyRecord(k) : null;
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.em().nativeUpdate(ApiKey, { id, revokedAt: null }, { revokedAt: new Date() });
  }

  async touchApiKey(id: string): Promise<void> {
    await this.em().nativeUpdate(ApiKey, { id }, { lastUsedAt: new Date() });
  }

  // ---- grants ----

  async grant(userId: string, instanceId: string): Promise<void> {
    await this.em().upsert(InstanceGrant, { user: userId, instance: instanceId, createdAt: new Date() }, { onConflictFields: ['user', 'instance'], onConflictAction: 'ignore' });
  }

  async revokeGrant(userId: string, instanceId: string): Promise<void> {
    await this.em().nativeDelete(InstanceGrant, { user: userId, instance: instanceId });
  }

  async hasGrant(userId: string, instanceId: string): Promise<boolean> {
    return (await this.em().count(InstanceGrant, { user: userId, instance: instanceId })) > 0;
  }

  async grantedInstanceIds(userId: string): Promise<string[]> {
    return (await this.em().find(InstanceGrant, { user: userId })).map((g) => g.instance as unknown as string);
  }
}
