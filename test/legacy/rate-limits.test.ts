import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom } from '../helpers/from-address.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';
import { openApiChecker } from '../helpers/openapi.ts';

// REST and GraphQL share one set of limits: the per-address HTTP bucket and the login and send
// quotas; and the legacy defaults this gateway keeps. Each test calls from its own loopback address, so the buckets of one do not leak into
// the next (the server listens on 127.0.0.1 and sees 127.0.0.x as the client address).
let gw: TestGateway;
let openapi: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  gw = await startTestGateway({
    env: { RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '5', LOGIN_RATE_LIMIT_PER_MINUTE: '3', SEND_RATE_LIMIT_PER_MINUTE: '2' },
  });
  openapi = await openApiChecker(gw.url);
});

afterAll(async () => {
  await gw?.close();
});

const from = (localAddress: string, method: string, path: string, body?: unknown, token?: string) => requestFrom(gw.url, localAddress, method, path, body, token);
const graphql = (address: string, query: string, variables: object = {}, token?: string) => from(address, 'POST', '/graphql', { query, variables }, token);

describe('shared rate limits', () => {
  it('counts GraphQL and REST requests from one address in one bucket, and answers 429 in the envelope', async () => {
    const address = '127.0.0.2';
    for (let i = 0; i < 3; i++) expect((await graphql(address, '{ __typename }')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await from(address, 'GET', '/')).status).toBe(200);
    const limited = await from(address, 'GET', '/');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ success: false, message: expect.stringMatching(/^rate limit exceeded/), error: 'rate limit exceeded' });
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await graphql(address, '{ __typename }')).status).toBe(429);
    // Another address is not affected.
    expect((await from('127.0.0.3', 'GET', '/')).status).toBe(200);
  });

  it('shares the login quota between GraphQL login and REST /login and /login-jwt', async () => {
    const address = '127.0.0.4';
    const login = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';
    expect((await graphql(address, login, { u: TEST_ADMIN.username, p: 'wrong-password-1' })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await from(address, 'POST', '/login', { username: TEST_ADMIN.username, password: 'wrong-password-2' })).status).toBe(401);
    expect((await from(address, 'POST', '/login-jwt', { username: TEST_ADMIN.username, password: 'wrong-password-3' })).status).toBe(401);
    const limited = await from(address, 'POST', '/login', TEST_ADMIN);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    openapi.check('POST', '/login', limited);
  });

  it("shares the per-user send quota between GraphQL sendText and REST sends to one instance", async () => {
    const address = '127.0.0.5';
    const token = gw.adminToken;
    const created = await from(address, 'POST', '/api/login', { kelompok: 'quota' }, token);
    const id = created.body.data.instanceId as string;
    const send = 'mutation($input: SendTextInput!) { sendText(input: $input) { messageId } }';
    // Not connected: refused, but counted, on both transports.
    const viaGraphql = await graphql(address, send, { input: { instanceId: id, to: '15550401001', text: 'x' } }, token);
    expect(viaGraphql.body.errors[0].extensions.code).toBe('INSTANCE_NOT_CONNECTED');
    const viaRest = await from(address, 'POST', `/api/send/${id}`, { to: '15550401001', message: 'x' }, token);
    expect([viaRest.status, viaRest.body.error.code]).toEqual([400, 'NOT_CONNECTED']);
    const limited = await from(address, 'POST', `/api/send/${id}`, { to: '15550401001', message: 'x' }, token);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, message: expect.stringMatching(/^Too many send requests/), error: { code: 'RATE_LIMITED' } });
    openapi.check('POST', '/api/send/{instanceId}', limited);
  });

  it("keeps SUDEVWA's defaults: no registration unless ALLOW_REGISTRATION=true, and `instances: null` for none", async () => {
    const res = await from('127.0.0.6', 'POST', '/register', { username: 'someone', email: 'someone@example.com', password: 'a-long-enough-password' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, error: { code: 'REGISTRATION_DISABLED' } });
    openapi.check('POST', '/register', res);
    const list = await from('127.0.0.6', 'GET', '/api/instances', undefined, gw.adminToken);
    expect(list.body).toEqual({ success: true, message: 'Instances retrieved', data: { total: 0, instances: null } });
    openapi.check('GET', '/api/instances', list);
  });
});

describe('the OpenAPI check itself', () => {
  it('rejects a body with an undocumented key or a wrong type', async () => {
    const health = await from('127.0.0.7', 'GET', '/');
    openapi.check('GET', '/', health);
    expect(() => openapi.check('GET', '/', { ...health, body: { ...health.body, extra: 1 } })).toThrow();
    expect(() => openapi.check('GET', '/', { ...health, body: { ...health.body, version: 1 } })).toThrow();
    expect(() => openapi.check('GET', '/', { ...health, status: 418 })).toThrow();
  });
});
