import { z } from 'zod';
import { ApiKeyType, AuthPayloadType, CreateApiKeyPayloadType, RoleEnum, UserType } from '../schema/auth.ts';
import { builder, type Context } from '../schema/builder.ts';
import { DomainError } from '../services/shared/index.ts';
import { API_KEY_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../services/auth/index.ts';

/** The caller; the permission rules ran before any resolver that calls this. */
const me = (ctx: Context) => {
  if (!ctx.principal) throw ctx.authError ?? new DomainError('UNAUTHENTICATED', 'authentication required');
  return ctx.principal;
};

const OkType = builder.objectRef<{ ok: boolean }>('OkPayload').implement({
  description: 'An acknowledgement.',
  fields: (t) => ({ ok: t.exposeBoolean('ok', { description: 'Always true when no error is returned.' }) }),
});

builder.queryFields((t) => ({
  me: t.field({ type: UserType, description: 'Who the credential belongs to.', resolve: (_r, _a, ctx) => ctx.auth.me(me(ctx)) }),
  users: t.field({ type: [UserType], description: 'Every user (administrators only).', resolve: (_r, _a, ctx) => ctx.auth.users() }),
  apiKeys: t.field({
    type: [ApiKeyType],
    description: 'Your API keys (every key, for administrators).',
    resolve: (_r, _a, ctx) => ctx.auth.apiKeys(me(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: AuthPayloadType,
    description: 'Trades a username and password for tokens. Fails with UNAUTHENTICATED (the same answer for an unknown user and a wrong password); rate limited per address.',
    args: {
      username: t.arg.string({ required: true, description: 'The login name.' }),
      password: t.arg.string({ required: true, description: 'The password.' }),
    },
    resolve: (_r, { username, password }, ctx) => ctx.auth.login(username, password),
  }),
  refreshToken: t.field({
    type: AuthPayloadType,
    description: 'Trades a refresh token for new tokens; the presented one stops working. Reusing a spent token revokes every token of that login.',
    args: { token: t.arg.string({ required: true, description: 'The refresh token.' }) },
    resolve: (_r, { token }, ctx) => ctx.auth.refresh(token),
  }),
  logout: t.field({
    type: OkType,
    description: 'Ends a login: its refresh token (and every token rotated from it) stops working. Access tokens expire on their own.',
    args: { refreshToken: t.arg.string({ description: 'The refresh token of the login to end.' }) },
    resolve: async (_r, { refreshToken }, ctx) => {
      await ctx.auth.logout(refreshToken ?? undefined);
      return { ok: true };
    },
  }),
  createUser: t.field({
    type: UserType,
    description: 'Creates a user (administrators only). Fails with USERNAME_TAKEN or VALIDATION_FAILED.',
    args: {
      username: t.arg.string({ required: true, description: '3 to 64 letters, digits or . _ @ -.' }),
      password: t.arg.string({
        required: true,
        description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
        validate: z.string().min(PASSWORD_MIN_LENGTH, `password must be at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH),
      }),
      role: t.arg({ type: RoleEnum, description: 'USER when omitted.' }),
    },
    resolve: (_r, { username, password, role }, ctx) => ctx.auth.createUser({ username, password, role: role ?? 'USER' }),
  }),
  grantInstanceAccess: t.field({
    type: OkType,
    description: 'Lets a user see and drive an instance they do not own (administrators only).',
    args: {
      userId: t.arg.id({ required: true, description: 'The user.' }),
      instanceId: t.arg.id({ required: true, description: 'The instance.' }),
    },
    resolve: async (_r, { userId, instanceId }, ctx) => {
      await ctx.auth.grantInstanceAccess(userId, instanceId, (id) => ctx.instances.get(id).then(() => true, () => false));
      return { ok: true };
    },
  }),
  revokeInstanceAccess: t.field({
    type: OkType,
    description: 'Takes a grant back (administrators only). The owner keeps access.',
    args: {
      userId: t.arg.id({ required: true, description: 'The user.' }),
      instanceId: t.arg.id({ required: true, description: 'The instance.' }),
    },
    resolve: async (_r, { userId, instanceId }, ctx) => {
      await ctx.auth.revokeInstanceAccess(userId, instanceId);
      return { ok: true };
    },
  }),
  createApiKey: t.field({
    type: CreateApiKeyPayloadType,
    description: 'Creates an API key acting as you. The key is in the answer and never shown again.',
    args: { name: t.arg.string({ required: true, description: `What the key is for, 1 to ${API_KEY_NAME_MAX_LENGTH} characters.` }) },
    resolve: (_r, { name }, ctx) => ctx.auth.createApiKey(me(ctx), name),
  }),
  revokeApiKey: t.field({
    type: ApiKeyType,
    description: 'Revokes one of your API keys (any key, for administrators); it is refused from then on. Fails with API_KEY_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The API key id.' }) },
    resolve: (_r, { id }, ctx) => ctx.auth.revokeApiKey(me(ctx), id),
  }),
}));
