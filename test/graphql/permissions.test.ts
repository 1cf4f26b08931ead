import { execute, extendSchema, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.ts';
import { RateLimits } from '../../src/http/rate-limits.ts';
import { protectSchema, ruleMap } from '../../src/schema/permissions.ts';

// The rule map is the one place that opens a root field. These tests make forgetting it loud.
const options = { http: { perSecond: 10, burst: 10 }, loginPerMinute: 5, sendPerMinute: 5, checkNumbersPerMinute: 5, redisUrl: undefined };
const rules = ruleMap({ login: {} as never, refreshToken: {} as never, send: {} as never, checkNumbers: {} as never }) as Record<string, Record<string, unknown>>;

describe('permissions', () => {
  it('every Query, Mutation and Subscription field has a rule of its own', () => {
    const schema = buildSchema();
    const missing: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      if (!root || !isObjectType(root)) continue;
      for (const field of Object.keys(root.getFields())) if (!rules[root.name]?.[field]) missing.push(`${root.name}.${field}`);
    }
    expect(missing, 'add these fields to ruleMap in src/schema/permissions.ts').toEqual([]);
  });

  it('denies a field that was added without a rule (fallbackRule: deny)', async () => {
    const extended = extendSchema(buildSchema(), parse('extend type Query { unguarded: String }'));
    const limits = new RateLimits(options);
    try {
      const result = await execute({
        schema: protectSchema(extended, limits),
        document: parse('{ unguarded }'),
        rootValue: { unguarded: 'should never be seen' },
        // Even an administrator: an unlisted field is closed for everyone.
        contextValue: { principal: { userId: 'u1', role: 'ADMIN' }, authError: null, clientIp: '127.0.0.1' },
      });
      expect(result.data?.unguarded ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await limits.close();
    }
  });
});
