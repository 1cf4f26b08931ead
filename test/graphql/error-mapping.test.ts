import { Writable } from 'node:stream';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMaskError } from '../../src/schema/errors.ts';
import { DomainError } from '../../src/services/shared/errors.ts';

// The one place GraphQL errors get their codes, as a pure function: what a resolver throws → what a client sees.
function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, mask: createMaskError(pino({ level: 'info' }, sink)) };
}

const fromResolver = (original: Error) => new GraphQLError(original.message, { path: ['sendText'], originalError: original });

describe('GraphQL error mapping', () => {
  it('keeps a domain error visible, with its code and details', () => {
    const { mask, lines } = setup();
    const out = mask(fromResolver(new DomainError('INSTANCE_NOT_CONNECTED', 'instance x is not connected', { instanceId: 'x', status: 'CREATED' })), 'Unexpected error.') as GraphQLError;
    expect(out.message).toBe('instance x is not connected');
    expect(out.extensions).toEqual({ code: 'INSTANCE_NOT_CONNECTED', instanceId: 'x', status: 'CREATED' });
    expect(out.path).toEqual(['sendText']);
    // An expected refusal is one info line with the code and no stack, never an error-level line.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, code: 'INSTANCE_NOT_CONNECTED', path: 'sendText' });
    expect(lines[0]).not.toHaveProperty('err');
  });

  it('turns argument validation into BAD_USER_INPUT with its issues', () => {
    const { mask } = setup();
    const invalid = Object.assign(new PothosValidationError('Validation error: input.text: empty'), {
      issues: [{ message: 'empty', path: ['input', { key: 'text' }] }],
    });
    const out = mask(fromResolver(invalid), 'Unexpected error.') as GraphQLError;
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'text'], message: 'empty' }] });
  });

  it('gives request errors (no path) BAD_USER_INPUT unless they carry a code', () => {
    const { mask } = setup();
    expect((mask(new GraphQLError('Variable "$id" was not provided.'), 'x') as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    const parse = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(mask(parse, 'x')).toBe(parse);
  });

  it('masks anything else and logs it with the field path', () => {
    const { mask, lines } = setup();
    const out = mask(fromResolver(new Error('connection to database lost: password=hunter2')), 'Unexpected error.') as GraphQLError;
    expect(out.message).toBe('Unexpected error.');
    expect(out.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(out.toJSON())).not.toContain('hunter2');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, path: 'sendText', err: { message: 'connection to database lost: password=hunter2' } });
  });
});
