import { Kind } from 'graphql';
import { builder } from './builder.ts';

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 date-time string');
  return date;
}

export const DateTime = builder.scalarType('DateTime', {
  description: 'A point in time, serialised as an ISO-8601 string in UTC (e.g. `2026-01-31T12:00:00.000Z`).',
  serialize: (value) => value.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be an ISO-8601 date-time string');
    return parseDateTime(ast.value);
  },
});
