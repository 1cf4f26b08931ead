import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiKeyDocument, CreateInstanceDocument, LoginDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';
import { captureLogs, LEVEL } from '../helpers/log-capture.ts';
import { RestClient } from '../helpers/rest-client.ts';

// Small findings of issue 11 §6, through the public surface of one gateway: what reaches the edge
// (NUL bytes, API keys minting keys, failed logins in the log). DATA_DIR's modes: test/ops/process-output.test.ts.
let gw: TestGateway;
const logs = captureLogs('debug');

beforeAll(async () => {
  gw = await startTestGateway({ logger: logs.logger });
});
afterAll(() => gw?.close());

describe('NUL bytes in strings', () => {
  it.each([
    ['login', LoginDocument, { username: 'ad\u0000min', password: 'x' }],
    ['createInstance.name', CreateInstanceDocument, { name: 'desk\u0000' }],
    ['createApiKey.name', CreateApiKeyDocument, { name: '\u0000' }],
  ] as const)('%s: BAD_USER_INPUT with 400, nothing unexpected logged', async (_name, doc, vars) => {
    const res = await gw.http.request(doc as never, vars as never);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(logs.lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  });

  it('in an inline literal too', async () => {
    // Deliberately hand-written: a NUL byte inside a string literal cannot be a typed document's variable.
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${gw.adminToken}` },
      body: JSON.stringify({ query: 'mutation { createInstance(input: { name: "a\\u0000b" }) { id } }' }),
    });
    expect(res.status).toBe(400);
  });

  it.each([
    ['POST', '/login', { username: 'ad\u0000min', password: 'x' }],
    ['POST', '/api/instances', { kelompok: 'a\u0000', keterangan: 'b' }],
  ] as const)('REST %s %s: 400 in the envelope', async (method, path, body) => {
    const rest = new RestClient(gw.url, gw.adminToken);
    const res = await rest.call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false });
    expect(logs.lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  });
});

describe('API keys', () => {
  it('cannot mint API keys: only a password login can', async () => {
    const { createApiKey } = await gw.http.ok(CreateApiKeyDocument, { name: 'automation' });
    const err = await gw.http.as(createApiKey.key).fail(CreateApiKeyDocument, { name: 'spare key' });
    expect(err.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('failed logins', () => {
  it('are logged as an event without a stack, below error level', async () => {
    const before = logs.lines.length;
    for (let i = 0; i < 3; i++) await gw.http.as(undefined).fail(LoginDocument, { username: TEST_ADMIN.username, password: `wrong-${i}` });
    const lines = logs.lines.slice(before);
    expect(lines.filter((l) => l.level >= LEVEL.warn)).toEqual([]);
    expect(lines.filter((l) => l.err?.stack)).toEqual([]);
  });
});
