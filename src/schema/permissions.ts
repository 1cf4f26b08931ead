import { createRequire } from 'node:module';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, isObjectType, type GraphQLFieldConfig, type GraphQLFieldResolver } from 'graphql';
import type * as ShieldModule from 'graphql-shield';
import type * as MiddlewareModule from 'graphql-middleware';
import type { Context } from './builder.ts';
import type { LimitedOperation, RateLimits } from '../http/rate-limits.ts';
import { normalizePhoneNumber } from '../services/messaging/index.ts';
import { DomainError } from '../services/shared/index.ts';

// graphql-shield 7.6.5's ESM build does not load on Node >= 23 (it imports `util.isUndefined`, which
// Node 23 removed), so its CJS build is required; graphql-middleware must come from the same module
// graph, or `applyMiddleware` throws "Type generator exists in middleware but is missing in Schema"
// (its `instanceof MiddlewareGenerator` would compare classes from two copies).
const require = createRequire(import.meta.url);
const { shield, rule, and, allow, deny } = require('graphql-shield') as typeof ShieldModule;
const { applyMiddleware } = require('graphql-middleware') as typeof MiddlewareModule;

const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <access token or API key>');

const authenticated = rule({ cache: 'contextual' })((_p, _a, ctx: Context) => (ctx.principal ? true : (ctx.authError ?? unauthenticated())));
const admin = rule({ cache: 'contextual' })((_p, _a, ctx: Context) =>
  !ctx.principal ? (ctx.authError ?? unauthenticated()) : ctx.principal.role === 'ADMIN' ? true : new DomainError('FORBIDDEN', 'administrators only'),
);

/** The instance named by `id`, `instanceId` or `input.instanceId` must be the caller's (owned or granted) or the caller an admin. */
async function mayUseNamedInstance(args: Record<string, unknown>, ctx: Context): Promise<true | DomainError> {
  if (!ctx.access) return ctx.authError ?? unauthenticated();
  const input = args.input as Record<string, unknown> | undefined;
  // `instanceId` first: on `message(instanceId, id)` the `id` is a message id.
  const id = (args.instanceId ?? args.id ?? input?.instanceId) as string | null | undefined;
  // No id: a stream over all instances (filtered per event) or a send by `fromPhoneNumber` (resolved among the caller's instances).
  if (!id) return true;
  return (await ctx.access.mayUse(id)) ? true : new DomainError('FORBIDDEN', `you may not use instance ${id}`, { instanceId: id });
}

// Not cached: 'strict' would hash the arguments (object-hash over the whole input, a send's text
// included) on every call, ≈ 2 % of a send's CPU, to save a check that runs once per root field anyway.
const ownsInstance = rule({ cache: 'no_cache' })((_p, args: Record<string, unknown>, ctx: Context) => mayUseNamedInstance(args, ctx));

/**
 * Every root field has a rule here; anything missing is denied (`fallbackRule: deny`), so a new
 * field stays closed until someone opens it on purpose. A test fails when a field has no entry.
 */
export function ruleMap(limits: { login: ShieldModule.IRule; refreshToken: ShieldModule.IRule; send: ShieldModule.IRule; checkNumbers: ShieldModule.IRule }) {
  const forInstance = and(authenticated, ownsInstance);
  return {
    Query: {
      instances: authenticated,
      instance: forInstance,
      checkNumbers: and(forInstance, limits.checkNumbers),
      message: forInstance,
      messages: forInstance,
      me: authenticated,
      users: admin,
      apiKeys: authenticated,
      // Webhook fields check the webhook's instance in the service (a webhook id is not an instance id).
      webhooks: authenticated,
      webhookDeliveries: authenticated,
      groups: forInstance,
      group: forInstance,
      groupInviteLink: forInstance,
      // A broadcast id is not an instance id: the resolver checks the broadcast's instance (unknown to others).
      broadcast: authenticated,
      contacts: forInstance,
      chats: forInstance,
      profilePicture: forInstance,
      about: forInstance,
      blocklist: forInstance,
    },
    Mutation: {
      login: limits.login,
      refreshToken: limits.refreshToken,
      logout: allow,
      createUser: admin,
      grantInstanceAccess: admin,
      revokeInstanceAccess: admin,
      createApiKey: authenticated,
      revokeApiKey: authenticated,
      createInstance: authenticated,
      connectInstance: forInstance,
      requestPairingCode: forInstance,
      logoutInstance: forInstance,
      deleteInstance: forInstance,
      sendText: and(forInstance, limits.send),
      sendMedia: and(forInstance, limits.send),
      sendSticker: and(forInstance, limits.send),
      sendLocation: and(forInstance, limits.send),
      sendContact: and(forInstance, limits.send),
      sendPoll: and(forInstance, limits.send),
      sendReaction: and(forInstance, limits.send),
      editMessage: and(forInstance, limits.send),
      deleteMessage: and(forInstance, limits.send),
      forwardMessage: and(forInstance, limits.send),
      sendPresence: forInstance,
      markRead: forInstance,
      resumeInstanceQueue: forInstance,
      cancelMessage: forInstance,
      createWebhook: forInstance,
      updateWebhook: authenticated,
      deleteWebhook: authenticated,
      replayWebhookDeliveries: authenticated,
      createGroup: forInstance,
      updateGroup: forInstance,
      updateGroupParticipants: forInstance,
      revokeGroupInviteLink: forInstance,
      joinGroup: forInstance,
      leaveGroup: forInstance,
      blockContact: forInstance,
      unblockContact: forInstance,
      updateProfileName: forInstance,
      updateProfileStatus: forInstance,
      updateProfilePicture: forInstance,
      removeProfilePicture: forInstance,
      createBroadcast: and(forInstance, limits.send),
      cancelBroadcast: authenticated,
    },
    Subscription: {
      qrCode: forInstance,
      instanceStatus: forInstance,
      messageReceived: forInstance,
      messageStatus: forInstance,
      messageChanged: forInstance,
      presence: forInstance,
      systemEvents: authenticated,
      groupEvents: forInstance,
      broadcastProgress: authenticated,
    },
  };
}

/**
 * A quota rule: counts the call into `limits` under the identity `identify` finds (null: nothing to
 * count, e.g. an instance that does not exist, which the resolver refuses anyway).
 */
function quotaRule(limits: RateLimits, operation: LimitedOperation, identify: (args: Record<string, unknown>, ctx: Context) => Promise<string | null> | string | null) {
  return rule({ cache: 'no_cache' })(async (_p, args: Record<string, unknown>, ctx: Context, info: { fieldName: string }) => {
    // shield's `and` runs its rules side by side, and its `chain` does not load on Node 24: so the
    // access check is repeated here, and a call refused for access never counts against an instance.
    if (ctx.principal && (await mayUseNamedInstance(args, ctx)) !== true) return true;
    const identity = await identify(args, ctx);
    const over = identity ? await limits.consume(operation, identity) : null;
    if (!over) return true;
    return new GraphQLError(`Too many ${info.fieldName} requests: at most ${over.max} per 60 s. Try again in ${over.retryAfterSeconds} s.`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: over.retryAfterSeconds },
    });
  });
}

/**
 * The instance a send or number check counts against: its stored id however the caller wrote it
 * (letter case, or `fromPhoneNumber` in any form), so one instance has one bucket.
 */
async function instanceIdentity(ctx: Context, ref: { instanceId?: unknown; fromPhoneNumber?: unknown } | undefined): Promise<string | null> {
  if (!ctx.access || !ref) return null;
  const digits = ref.instanceId ? null : normalizePhoneNumber(String(ref.fromPhoneNumber ?? ''));
  const id = ref.instanceId ? await ctx.access.canonicalId(String(ref.instanceId)) : digits ? await ctx.access.byPhoneNumber(digits) : undefined;
  return id ? `instance:${id}` : null;
}

/** The quotas live in `limits` (shared with REST), which also owns the store's connection. */
export function protectSchema(schema: GraphQLSchema, limits: RateLimits): GraphQLSchema {
  const rules = ruleMap({
    // Per address whatever credential comes along: a token of one's own must not buy a fresh bucket.
    login: quotaRule(limits, 'login', (_args, ctx) => `ip:${ctx.clientIp}`),
    refreshToken: quotaRule(limits, 'refreshToken', (_args, ctx) => `ip:${ctx.clientIp}`),
    // Text and media, GraphQL and REST: one bucket per instance.
    send: quotaRule(limits, 'send', (args, ctx) => instanceIdentity(ctx, args.input as Record<string, unknown> | undefined)),
    checkNumbers: quotaRule(limits, 'checkNumbers', (args, ctx) => instanceIdentity(ctx, { instanceId: args.instanceId })),
  });
  // Shield refuses rules for fields the schema lacks; a rule written ahead of its field waits for it.
  const rootRules: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(rules)) {
    const type = schema.getType(typeName);
    const existing = type && isObjectType(type) ? type.getFields() : {};
    rootRules[typeName] = Object.fromEntries(Object.entries(fields).filter(([field]) => field in existing));
  }
  const permissions = shield(rootRules as typeof rules, {
    fallbackRule: deny,
    // Errors thrown by resolvers are ours to map (maskError), not shield's to replace.
    allowExternalErrors: true,
    fallbackError: () => new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } }),
  });
  return guardSubscriptionsAtSubscribe(schema, (bare) => applyMiddleware(bare, rootFieldsOnly(permissions.generate(bare))));
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Shield's middleware for the root fields only. Output types need no rule of their own: reaching
 * one at all went through a root field's rule. Shield would wrap every field of every type (with
 * `fallbackRule`, or `allow`) in an async middleware, a promise and a rule lookup per field of
 * every result: most of a `{ instances { … } }` of 500 instances went there.
 */
function rootFieldsOnly(middleware: MiddlewareModule.IMiddleware): MiddlewareModule.IMiddlewareFieldMap {
  // A rule tree (not one rule for everything) generates a map by type.
  if (typeof middleware === 'function') throw new Error('shield generated one middleware for every field; expected a map by type');
  return Object.fromEntries(Object.entries(middleware).filter(([typeName]) => ROOT_TYPES.has(typeName)));
}

/**
 * graphql-middleware wraps only `resolve` of a field that has both `resolve` and `subscribe`, so
 * on a subscription the rule would run per event, never at subscribe time: a stream that stays
 * quiet (a QR subscription of someone else's linked instance) would be accepted and never refused.
 * Hiding the subscription resolvers while the middleware is applied makes it wrap `subscribe`
 * instead; the resolvers come back unchanged afterwards.
 */
function guardSubscriptionsAtSubscribe(schema: GraphQLSchema, apply: (schema: GraphQLSchema) => GraphQLSchema): GraphQLSchema {
  const swapSubscription = (target: GraphQLSchema, map: (name: string, field: GraphQLFieldConfig<unknown, unknown>) => GraphQLFieldConfig<unknown, unknown>) => {
    const type = target.getSubscriptionType();
    if (!type) return target;
    const config = type.toConfig();
    const fields = Object.fromEntries(Object.entries(config.fields).map(([name, field]) => [name, map(name, field)]));
    const schemaConfig = target.toConfig();
    const subscription = new GraphQLObjectType({ ...config, fields });
    return new GraphQLSchema({ ...schemaConfig, subscription, types: schemaConfig.types.map((t) => (t === type ? subscription : t)) });
  };
  const resolvers = new Map<string, GraphQLFieldResolver<unknown, unknown> | undefined>();
  const bare = swapSubscription(schema, (name, field) => {
    resolvers.set(name, field.resolve);
    return { ...field, resolve: undefined };
  });
  return swapSubscription(apply(bare), (name, field) => ({ ...field, resolve: resolvers.get(name) }));
}
