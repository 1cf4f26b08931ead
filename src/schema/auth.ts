import type { ApiKeyRecord } from '../db/account.repository.ts';
import type { TokenPair, UserView } from '../services/auth/index.ts';
import { builder } from './builder.ts';

export const RoleEnum = builder.enumType('Role', {
  description: 'What a user may do.',
  values: {
    ADMIN: { description: 'Sees and drives every instance; manages users and grants.' },
    USER: { description: 'Sees and drives the instances they created or were granted.' },
  } as const,
});

export const UserType = builder.objectRef<UserView>('User').implement({
  description: 'A person or team with access to wamux.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The user id.' }),
    username: t.exposeString('username', { description: 'The login name.' }),
    role: t.field({ type: RoleEnum, description: 'ADMIN or USER.', resolve: (u) => u.role }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the user was created.' }),
  }),
});

export const AuthPayloadType = builder.objectRef<TokenPair>('AuthPayload').implement({
  description: 'Tokens for a session: send the access token as `Authorization: Bearer …`; trade the refresh token for new tokens before it expires.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', { description: 'A short-lived JWT (HS256).' }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime', description: 'When the access token stops working.' }),
    refreshToken: t.exposeString('refreshToken', { description: 'Single use: `refreshToken` returns a new one and this one stops working.' }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime', description: 'When the refresh token stops working.' }),
    user: t.field({ type: UserType, description: 'Who logged in.', resolve: (p) => p.user }),
  }),
});

export const ApiKeyType = builder.objectRef<ApiKeyRecord>('ApiKey').implement({
  description: 'A key for machine clients; it acts as its owner. The key itself is shown only once, at creation.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The API key id (not the key).' }),
    name: t.exposeString('name', { description: 'What it is for.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    ownerId: t.exposeID('userId', { description: 'The user it acts as.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Roughly when it was last used (updated at most once a minute).' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; revoked keys are refused.' }),
  }),
});

export const CreateApiKeyPayloadType = builder.objectRef<{ apiKey: ApiKeyRecord; key: string }>('CreateApiKeyPayload').implement({
  description: 'A new API key. Store `key` now: it is not shown again.',
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyType, description: 'The stored key record.', resolve: (p) => p.apiKey }),
    key: t.exposeString('key', { description: 'The secret key, for `Authorization: Bearer …`.' }),
  }),
});
