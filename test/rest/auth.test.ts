import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';
import { CreateApiKeyDocument, GrantInstanceAccessDocument, MeDocument } from '../graphql/generated/graphql.ts';
import { openApiChecker } from '../helpers/openapi.ts';
import { linkOverRest, RestClient } from '../helpers/rest-client.ts';

// Health, envelopes of unknown routes, SUDEVWA's auth routes (reference §1.2, §2, §13), and two
// switches: the typing simulation and `instances: []` instead of null.
let gw: TestGateway;
let anonymous: RestClient;
let rest: RestClient;
let openapi: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  gw = await startTestGateway({ env: { ALLOW_REGISTRATION: 'true', TYPING_DELAY_MIN: '1', TYPING_DELAY_MAX: '1', LEGACY_NULL_EMPTY_INSTANCES: 'false' } });
  anonymous = new RestClient(gw.url);
  rest = anonymous.as(gw.adminToken);
  openapi = await openApiChecker(gw.url);
});

afterAll(async () => {
  await gw?.close();
});

describe('health and unknown routes', () => {
  it('answers health, and 404 (or 401 first under /api) for unknown routes', async () => {
    const health = await anonymous.get('/');
    expect(health.body).toEqual({ success: true, message: 'WhatsApp API is running', version: '1.0.0' });
    openapi.check('GET', '/', health);
    expect(await anonymous.get('/no-such-route')).toMatchObject({ status: 404, body: { success: false, message: 'Endpoint not found', error: 'Not Found' } });
    expect(await anonymous.get('/api/no-such-route')).toMatchObject({ status: 401, body: { success: false, message: 'Unauthorized', error: { code: 'UNAUTHORIZED' } } });
    expect(await rest.get('/api/no-such-route')).toMatchObject({ status: 404, body: { message: 'Endpoint not found' } });
  });
});

describe('login, refresh, logout', () => {
  it('logs in and answers the documented refusals', async () => {
    const res = await anonymous.post('/login', TEST_ADMIN);
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Login successful');
    expect(res.body.data.user).toMatchObject({ username: TEST_ADMIN.username, role: 'admin', auth_provider: 'local', is_active: true, last_login_at: null });
    openapi.check('POST', '/login', res);

    const cases: Array<[unknown, number, string, string]> = [
      [{ username: TEST_ADMIN.username }, 400, 'MISSING_FIELDS', 'Username and password are required'],
      [{ username: TEST_ADMIN.username, password: 'wrong-password' }, 401, 'INVALID_CREDENTIALS', 'Invalid username or password'],
      [{ username: 'nobody-here', password: 'wrong-password' }, 401, 'INVALID_CREDENTIALS', 'Invalid username or password'],
      ['{"username":', 400, 'BAD_REQUEST', 'Invalid request body'],
    ];
    for (const [body, status, code, message] of cases) {
      const answer = typeof body === 'string' ? await anonymous.post('/login', body, { 'content-type': 'application/json' }) : await anonymous.post('/login', body);
      expect([answer.status, answer.body.error?.code, answer.body.message]).toEqual([status, code, message]);
      openapi.check('POST', '/login', answer);
    }
  });

  it('refreshes without rotating, logs out, and the refresh token then stops working', async () => {
    const { refresh_token: refreshToken } = (await anonymous.post('/login', TEST_ADMIN)).body.data;
    for (let i = 0; i < 2; i++) {
      const res = await anonymous.post('/refresh', { refresh_token: refreshToken });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('Token refreshed successfully');
      openapi.check('POST', '/refresh', res);
      const me = await anonymous.as(res.body.data.access_token).get('/api/me');
      expect(me.body).toMatchObject({ success: true, message: 'User profile retrieved', data: { username: TEST_ADMIN.username } });
      openapi.check('GET', '/api/me', me);
    }
    expect((await anonymous.post('/refresh', {})).body.error.code).toBe('MISSING_TOKEN');
    const missing = await rest.post('/api/logout', {});
    expect([missing.status, missing.body.error.code]).toEqual([400, 'MISSING_TOKEN']);
    const out = await rest.post('/api/logout', { refresh_token: refreshToken });
    expect(out.body).toEqual({ success: true, message: 'Logged out successfully' });
    openapi.check('POST', '/api/logout', out);
    const after = await anonymous.post('/refresh', { refresh_token: refreshToken });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ message: 'Invalid or expired refresh token', error: { code: 'INVALID_REFRESH_TOKEN' } });
    openapi.check('POST', '/refresh', after);
  });

  it('serves the pre-accounts /login-jwt and /api/validate', async () => {
    const ok = await anonymous.post('/login-jwt', TEST_ADMIN);
    expect(ok.body).toEqual({ token: expect.any(String) });
    openapi.check('POST', '/login-jwt', ok);
    expect((await anonymous.as(ok.body.token).get('/api/validate')).body).toEqual({ success: true, message: 'Token is valid', username: TEST_ADMIN.username });
    expect(await anonymous.post('/login-jwt', { username: 'admin', password: 'nope' })).toMatchObject({ status: 401, body: { error: 'Invalid credentials' } });
    expect(await anonymous.post('/login-jwt', { username: 'admin' })).toMatchObject({ status: 400, body: { error: 'Bad request' } });
  });

  it('accepts a wamux API key as the Bearer token', async () => {
    const { createApiKey } = await gw.http.ok(CreateApiKeyDocument, { name: 'legacy client' });
    expect((await anonymous.as(createApiKey.key).get('/api/me')).body.data.username).toBe(TEST_ADMIN.username);
  });
});

describe('registration', () => {
  it('registers a USER, and refuses missing fields, taken names and weak passwords', async () => {
    const res = await anonymous.post('/register', { username: 'newcomer', email: 'New@Example.com', password: 'a-long-enough-password', full_name: 'New Comer' });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('User registered successfully');
    expect(res.body.data.user).toMatchObject({ username: 'newcomer', email: 'new@example.com', full_name: 'New Comer', role: 'user' });
    openapi.check('POST', '/register', res);
    const me = await anonymous.as(res.body.data.access_token).get('/api/me');
    expect(me.body.data).toMatchObject({ username: 'newcomer', role: 'user' });

    const cases: Array<[Record<string, string>, string, string]> = [
      [{ username: 'x', password: 'a-long-enough-password' }, 'MISSING_FIELDS', 'Username, email, and password are required'],
      [{ username: 'newcomer', email: 'other@example.com', password: 'a-long-enough-password' }, 'REGISTRATION_FAILED', 'username already exists'],
      [{ username: 'other', email: 'new@example.com', password: 'a-long-enough-password' }, 'REGISTRATION_FAILED', 'email already exists'],
      [{ username: 'other', email: 'other@example.com', password: 'short' }, 'REGISTRATION_FAILED', 'password must be 12 to 256 characters'],
      [{ username: 'other', email: 'not-an-email', password: 'a-long-enough-password' }, 'REGISTRATION_FAILED', 'email must be an e-mail address'],
    ];
    for (const [body, code, message] of cases) {
      const answer = await anonymous.post('/register', body);
      expect([answer.status, answer.body.error?.code, answer.body.message]).toEqual([400, code, message]);
      openapi.check('POST', '/register', answer);
    }
  });
});

describe('switches', () => {
  it('answers [] for an empty list when LEGACY_NULL_EMPTY_INSTANCES=false', async () => {
    expect((await rest.get('/api/instances')).body.data).toEqual({ total: 0, instances: [] });
  });

  it('shows "typing…" for TYPING_DELAY_MIN..MAX seconds before a REST send', async () => {
    await gw.sandbox.createPhone('15550301001', 'Typist');
    await gw.sandbox.createPhone('15550301002', 'Reader');
    const id = (await rest.post('/api/login', { kelompok: 'typing' })).body.data.instanceId;
    await linkOverRest(rest, (qr) => gw.sandbox.scan('15550301001', qr), id);
    const started = Date.now();
    const sent = await rest.post(`/api/send/${id}`, { to: '15550301002', message: 'typed slowly' });
    expect(sent.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await gw.sandbox.waitForMessage('15550301002', (m) => m.text === 'typed slowly');
  });

  it('lets a granted USER use an instance it does not own', async () => {
    const id = (await rest.post('/api/login', { kelompok: 'shared' })).body.data.instanceId;
    const token = await gw.createUserToken('granted-user');
    const user = anonymous.as(token);
    expect((await user.get(`/api/status/${id}`)).status).toBe(403);
    const { me } = await gw.http.as(token).ok(MeDocument);
    await gw.http.ok(GrantInstanceAccessDocument, { userId: me.id, instanceId: id });
    expect((await user.get(`/api/status/${id}`)).status).toBe(200);
  });
});
