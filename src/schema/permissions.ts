import { createRequire } from 'node:module';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, isObjectType, type GraphQLFieldConfig, type GraphQLFieldResolver } from 'graphql';
import type * as ShieldModule from 'graphql-shield';
import type * as MiddlewareModule from 'graphql-middleware';
import type { Context } from './builder.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import { DomainError } from '../services/shared/index.ts';

// graphql-shield 7.6.5's ESM build does not load on Node >= 23 (it imports `util.isUndefined`, which
// Node 23 removed), so its CJS build is required; graphql-middleware must come from the same module
// graph, or `applyMiddleware` throws "Type generator exists in middleware but is missing in Schema"
// (its `instanceof MiddlewareGenerator` would compare classes from two copies).
const require = createRequire(import.meta.url);
const { shield, rule, and, allow, deny } = require('graphql-shield') as typeof ShieldModule;
const { applyMiddleware } = require('graphql-middleware') as typeof MiddlewareModule;
const { createRateLimitRule } = require('graphql-rate-limit') as {
  createRateLimitRule: (config: object) => (field: { window: string; max: number; identityArgs?: string[] }) => ShieldModule.IRule;
};

const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <access token or API key>');

const authenticated = rule({ cache: 'contextual' })((_p, _a, ctx: Context) => (ctx.principal ? true : (ctx.authError ?? unauthenticated())));
const admin = rule({ cache: 'contextual' })((_p, _a, ctx: Context) =>
  !ctx.principal ? (ctx.authError ?? unauthenticated()) : ctx.principal.role === 'ADMIN' ? true : new DomainError('FORBIDDEN', 'administrators only'),
);

/** The instance named by `id`, `instanceId` or `input.instanceId` must be the caller's (owned or granted) or the caller an admin. */
const ownsInstance = rule({ cache: 'strict' })(async (_p, args: Record<string, unknown>, ctx: Context) => {
  const input = args.input as Record<string, unknown> | undefined;
  // `instanceId` first: on `message(instanceId, id)` the `id` is a message id.
  const id = (args.instanceId ?? args.id ?? input?.instanceId) as string | null | undefined;
  // No id: a stream over all instances (filtered per event) or a send by `fromPhoneNumber` (resolved among the caller's instances).
  if (!id) return true;
  return (await ctx.access!.mayUse(id)) ? true : new DomainError('FORBIDDEN', `you may not use instance ${id}`, { instanceId: id });
});

/**
 * Every root field has a rule here; anything missing is denied (`fallbackRule: deny`), so a new
 * field stays closed until someone opens it on purpose. A test fails when a field has no entry.
 */
export function ruleMap(limits: { login: ShieldModule.IRule; send: ShieldModule.IRule }) {
  const forInstance = and(authenticated, ownsInstance);
  return {
    Query: {
      instances: authenticated,
      instance: forInstance,
      checkNumbers: forInstance,
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
      contacts: forInstance,
    },
    Mutation: {
      login: limits.login,
      refreshToken: limits.login,
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
      markRead: forInstance,
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
    },
    Subscription: {
      qrCode: forInstance,
      instanceStatus: forInstance,
      messageReceived: forInstance,
      messageStatus: forInstance,
      messageChanged: forInstance,
      systemEvents: authenticated,
      groupEvents: forInstance,
    },
  };
}

/** The quotas live in `limits` (shared with REST), which also owns the store's connection. */
export function protectSchema(schema: GraphQLSchema, limits: RateLimits): GraphQLSchema {
  const rateLimit = createRateLimitRule({
    // Signed-in callers are limited per user, anonymous ones (login) per address.
    identifyContext: (ctx: Context) => (ctx.principal ? `user:${ctx.principal.userId}` : `ip:${ctx.clientIp}`),
    store: limits.store,
    formatError: ({ fieldName, max, window }: { fieldName: string; max: number; window: number }) => JSON.stringify({ fieldName, max, window }),
    createError: (message: string) => {
      const { fieldName, max, window } = JSON.parse(message) as { fieldName: string; max: number; window: number };
      const retryAfterSeconds = Math.ceil(window / 1000);
      return new GraphQLError(`Too many ${fieldName} requests: at most ${max} per ${retryAfterSeconds} s. Try again in ${retryAfterSeconds} s.`, {
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
      });
    },
  });
  const rules = ruleMap({ login: rateLimit(limits.quota('login')), send: rateLimit(limits.quota('sendText')) });
  // Shield refuses rules for fields the schema lacks; a rule written ahead of its field waits for it.
  const rootRules: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(rules)) {
    const type = schema.getType(typeName);
    const existing = type && isObjectType(type) ? type.getFields() : {};
    rootRules[typeName] = Object.fromEntries(Object.entries(fields).filter(([field]) => field in existing));
  }
  // Output types need no rule of their own: reaching one at all went through a root field's rule.
  const typeRules: Record<string, Parameters<typeof and>[number]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__') && !['Query', 'Mutation', 'Subscription'].includes(type.name)) typeRules[type.name] = allow;
  }
  const permissions = shield(
    { ...(rootRules as typeof rules), ...typeRules },
    {
      fallbackRule: deny,
      // Errors thrown by resolvers are ours to map (maskError), not shield's to replace.
      allowExternalErrors: true,
      fallbackError: () => new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } }),
    },
  );
  return guardSubscriptionsAtSubscribe(schema, (bare) => applyMiddleware(bare, permissions));
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
