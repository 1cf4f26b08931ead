import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiKeyDocument, GrantInstanceAccessDocument, MeDocument } from '../graphql/generated/graphql.ts';
import { TEST_ADMIN, type TestGateway } from '../helpers/app.ts';
import { startRestFixture, type RestFixture } from '../helpers/rest-fixture.ts';
import type { openApiChecker } from '../helpers/openapi.ts';
import { eventually, linkOverRest, type RestClient } from '../helpers/rest-client.ts';

// SUDEVWA's health, auth and instance routes (docs/sudevwa-api.md §1.2, §2, §4, §13) over real HTTP, linked
// through the sandbox. One gateway for all (each boot costs seconds), with registration on, a one
// second typing simulation and `instances: []` for empty lists; the defaults are checked in
// rate-limits.test.ts.
const ALICE = '15550101001';
const BOB = '15550101002';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let gw: TestGateway;
let anonymous: RestClient;
let rest: RestClient;
let openapi: Awaited<ReturnType<typeof openApiChecker>>;

let fixture: RestFixture;

beforeAll(async () => {
  fixture = await startRestFixture({
    env: { ALLOW_REGISTRATION: 'true', TYPING_DELAY_MIN: '1', TYPING_DELAY_MAX: '1', LEGACY_NULL_EMPTY_INSTANCES: 'false' },
    phones: [[ALICE, 'Alice'], [BOB, 'Bob']],
  });
  ({ gw, anonymous, rest, openapi } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

const create = async (kelompok = 'sales') => {
  const res = await rest.post('/api/login', { kelompok });
  openapi.check('POST', '/api/login', res);
  return res.body.data.instanceId as string;
};
const listed = async (id: string) => (await rest.get('/api/instances?all=true')).body.data.instances?.find((i: { instanceId: string }) => i.instanceId === id);

describe('creating and listing', () => {
  it('creates from kelompok, refuses a missing one or a bad body', async () => {
    const created = await rest.post('/api/login', { kelompok: 'sales' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ success: true, message: 'Instance created, QR code required', data: { status: 'qr_required' } });
    expect(created.body.data.nextStep).toBe('Call GET /qr/:instanceId to get QR code');

    for (const bad of [{}, { kelompok: '   ' }]) {
      const res = await rest.post('/api/login', bad);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: "Field 'kelompok' is required", error: { code: 'KELOMPOK_REQUIRED' } });
      openapi.check('POST', '/api/login', res);
    }
    const garbage = await rest.post('/api/login', '{not json', { 'content-type': 'application/json' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('BAD_REQUEST');

    const item = await listed(created.body.data.instanceId);
    expect(item).toMatchObject({ circle: 'sales', used: true, keterangan: '', status: 'qr_required', isConnected: false, qrCode: '', connectedAt: null });
  });

  it('lists only connected instances without all=true; [] for none with LEGACY_NULL_EMPTY_INSTANCES=false', async () => {
    const res = await rest.get('/api/instances');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'Instances retrieved', data: { total: 0, instances: [] } });
    openapi.check('GET', '/api/instances', res);
    const all = await rest.get('/api/instances?all=true');
    expect(all.body.data.total).toBeGreaterThan(0);
    openapi.check('GET', '/api/instances', all);
  });

  it('answers the documented 404s for an unknown instance', async () => {
    const cases: Array<[string, string, string, number, string]> = [
      ['GET', `/api/status/${UNKNOWN}`, '/api/status/{instanceId}', 404, 'SESSION_NOT_FOUND'],
      ['GET', `/api/qr/${UNKNOWN}`, '/api/qr/{instanceId}', 404, 'INSTANCE_NOT_FOUND'],
      ['DELETE', `/api/qr-cancel/${UNKNOWN}`, '/api/qr-cancel/{instanceId}', 404, 'INSTANCE_NOT_FOUND'],
      ['POST', `/api/logout/${UNKNOWN}`, '/api/logout/{instanceId}', 404, 'SESSION_NOT_FOUND'],
      ['DELETE', `/api/instances/${UNKNOWN}`, '/api/instances/{instanceId}', 404, 'INSTANCE_NOT_FOUND'],
      ['GET', `/api/info-device/${UNKNOWN}`, '/api/info-device/{instanceId}', 404, 'SESSION_NOT_FOUND'],
      ['GET', '/api/status/not-a-uuid', '/api/status/{instanceId}', 404, 'SESSION_NOT_FOUND'],
    ];
    for (const [method, path, template, status, code] of cases) {
      const res = await rest.call(method, path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      openapi.check(method, template, res);
    }
    const patch = await rest.patch(`/api/instances/${UNKNOWN}`, { used: false });
    expect([patch.status, patch.body.error.code]).toEqual([404, 'INSTANCE_NOT_FOUND']);
  });
});

describe('linking, status and labels', () => {
  it('runs one QR at a time, cancels it, links, reports status and the device', async () => {
    const id = await create('ops');
    const status = await rest.get(`/api/status/${id}`);
    expect(status.body).toEqual({ success: true, message: 'Status retrieved', data: { instanceId: id, isConnected: false, jid: '', status: 'CREATED' } });
    openapi.check('GET', '/api/status/{instanceId}', status);

    const started = await rest.get(`/api/qr/${id}`);
    expect(started.body).toEqual({
      success: true,
      message: 'QR generation started',
      data: { status: 'generating', message: 'QR codes will be sent via WebSocket. Listen to QR_GENERATED event.', instance_id: id, timeout: '3 minutes' },
    });
    openapi.check('GET', '/api/qr/{instanceId}', started);
    await eventually(async () => (await listed(id))?.qrCode, 'a QR code');
    const again = await rest.get(`/api/qr/${id}`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      success: false,
      message: 'QR generation already in progress, please wait',
      error: { code: 'QR_IN_PROGRESS', details: 'Please wait or cancel the current QR generation first.' },
    });
    openapi.check('GET', '/api/qr/{instanceId}', again);

    const cancelled = await rest.delete(`/api/qr-cancel/${id}`);
    expect(cancelled.body).toEqual({ success: true, message: 'QR generation cancelled successfully', data: { instance_id: id, status: 'cancelled' } });
    openapi.check('DELETE', '/api/qr-cancel/{instanceId}', cancelled);
    expect((await listed(id)).qrCode).toBe('');
    const nothing = await rest.delete(`/api/qr-cancel/${id}`);
    expect(nothing.status).toBe(404);
    expect(nothing.body.error).toEqual({ code: 'NO_QR_SESSION', details: 'No QR generation in progress for this instance.' });

    await linkOverRest(rest, (qr) => gw.sandbox.scan(ALICE, qr), id);
    const online = await rest.get(`/api/status/${id}`);
    expect(online.body.data).toMatchObject({ isConnected: true, jid: `${ALICE}@s.whatsapp.net`, status: 'ONLINE' });
    const already = await rest.get(`/api/qr/${id}`);
    expect(already.body).toEqual({ success: true, message: 'Already connected', data: { status: 'already_connected', jid: `${ALICE}@s.whatsapp.net` } });
    openapi.check('GET', '/api/qr/{instanceId}', already);

    const device = await rest.get(`/api/info-device/${id}`);
    expect(device.body.message).toBe('Device info retrieved');
    expect(device.body.data).toEqual({ instanceId: id, jid: expect.stringMatching(new RegExp(`^${ALICE}:\\d+@s\\.whatsapp\\.net$`)), phoneNumber: ALICE });
    openapi.check('GET', '/api/info-device/{instanceId}', device);

    const connectedOnly = await rest.get('/api/instances');
    const item = connectedOnly.body.data.instances.find((i: { instanceId: string }) => i.instanceId === id);
    expect(item).toMatchObject({ status: 'online', isConnected: true, phoneNumber: ALICE, existsInWhatsmeow: true, circle: 'ops' });
    expect(Date.parse(item.connectedAt)).toBeGreaterThan(Date.now() - 60_000);
    openapi.check('GET', '/api/instances', connectedOnly);

    const stillConnected = await rest.delete(`/api/instances/${id}`);
    expect(stillConnected.status).toBe(400);
    expect(stillConnected.body).toEqual({ success: false, message: 'Instance is still connected. Please logout first.', error: { code: 'INSTANCE_STILL_CONNECTED' } });
    openapi.check('DELETE', '/api/instances/{instanceId}', stillConnected);
  });

  it('updates labels and refuses an empty or mistyped patch', async () => {
    const id = await create('one');
    const none = await rest.patch(`/api/instances/${id}`, {});
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('NO_FIELDS');
    openapi.check('PATCH', '/api/instances/{instanceId}', none);
    const mistyped = await rest.patch(`/api/instances/${id}`, { used: 'nope' });
    expect([mistyped.status, mistyped.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    const tooLong = await rest.patch(`/api/instances/${id}`, { keterangan: 'x'.repeat(5000) });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const updated = await rest.patch(`/api/instances/${id}`, { used: false, keterangan: 'spare SIM', circle: 'two' });
    expect(updated.body).toEqual({ success: true, message: 'Instance updated successfully', data: { instanceId: id } });
    openapi.check('PATCH', '/api/instances/{instanceId}', updated);
    expect(await listed(id)).toMatchObject({ used: false, keterangan: 'spare SIM', circle: 'two' });
  });

  it('logs out, links the same instance again (reuse after logout), then deletes it', async () => {
    const id = await create('reuse');
    await linkOverRest(rest, (qr) => gw.sandbox.scan(BOB, qr), id);
    const out = await rest.post(`/api/logout/${id}`);
    expect(out.body).toEqual({ success: true, message: 'Logged out successfully', data: { instanceId: id } });
    openapi.check('POST', '/api/logout/{instanceId}', out);
    expect(await listed(id)).toMatchObject({ status: 'logged_out', isConnected: false, existsInWhatsmeow: false });
    expect((await gw.sandbox.devices(BOB)).filter((d) => d.deviceId !== 0)).toEqual([]);
    const twice = await rest.post(`/api/logout/${id}`);
    expect(twice.status).toBe(404);
    expect(twice.body).toEqual({ success: false, message: 'Session not found', error: { code: 'SESSION_NOT_FOUND', details: 'session not found' } });

    await linkOverRest(rest, (qr) => gw.sandbox.scan(BOB, qr), id);
    expect(await listed(id)).toMatchObject({ status: 'online', phoneNumber: BOB });
    await rest.post(`/api/logout/${id}`);
    const deleted = await rest.delete(`/api/instances/${id}`);
    expect(deleted.body).toEqual({ success: true, message: 'Instance deleted successfully', data: { instanceId: id } });
    openapi.check('DELETE', '/api/instances/{instanceId}', deleted);
    expect(await listed(id)).toBeUndefined();
  });
});

describe('ownership', () => {
  it("keeps a USER away from another user's instance and number, on every route", async () => {
    const adminInstance = await create('admin-only');
    const user = rest.as(await gw.createUserToken('rest-user'));
    const own = await user.post('/api/login', { kelompok: 'mine' });
    expect(own.status).toBe(200);
    const ownId = own.body.data.instanceId as string;

    const forbidden = { success: false, message: 'You do not have access to this instance' };
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/api/status/${adminInstance}`],
      ['GET', `/api/qr/${adminInstance}`],
      ['DELETE', `/api/qr-cancel/${adminInstance}`],
      ['POST', `/api/logout/${adminInstance}`],
      ['DELETE', `/api/instances/${adminInstance}`],
      ['PATCH', `/api/instances/${adminInstance}`, { used: false }],
      ['GET', `/api/info-device/${adminInstance}`],
      ['POST', `/api/send/${adminInstance}`, { to: BOB, message: 'hi' }],
      ['POST', `/api/check/${adminInstance}`, { phone: BOB }],
      ['POST', `/api/send/${adminInstance}/media-url`, { to: BOB, mediaUrl: 'https://example.com/a.jpg' }],
      ['GET', `/api/groups/${adminInstance}`],
      ['POST', `/api/send-group/${adminInstance}`, { groupJid: '123456789@g.us', message: 'hi' }],
      ['GET', `/api/contacts/${adminInstance}`],
    ];
    for (const [method, path, body] of routes) {
      const res = await user.call(method, path, body);
      expect([path, res.status, res.body]).toEqual([path, 403, forbidden]);
    }
    const visible = (await user.get('/api/instances?all=true')).body.data.instances.map((i: { instanceId: string }) => i.instanceId);
    expect(visible).toEqual([ownId]);
    expect(await listed(ownId)).toMatchObject({ createdBy: expect.any(String) });

    // A number linked to the admin's instance is not the user's to send from.
    const alicesOwner = (await rest.get('/api/instances')).body.data.instances.find((i: { phoneNumber: string }) => i.phoneNumber === ALICE);
    expect(alicesOwner).toBeDefined();
    const byNumber = await user.post(`/api/by-number/${ALICE}`, { to: BOB, message: 'hi' });
    expect(byNumber.status).toBe(403);
    expect(byNumber.body).toEqual({ success: false, message: 'You do not have access to this phone number' });
    openapi.check('POST', '/api/by-number/{phoneNumber}', byNumber);
  });
});

describe('health and unknown routes', () => {
  it('answers health, and 404 (or 401 first under /api) for unknown routes', async () => {
    const health = await anonymous.get('/');
    expect(health.body).toEqual({ success: true, message: 'WhatsApp API is running', version: (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version });
    openapi.check('GET', '/', health);
    expect(await anonymous.get('/no-such-route')).toMatchObject({ status: 404, body: { success: false, message: 'Endpoint not found', error: 'Not Found' } });
    expect(await anonymous.get('/api/no-such-route')).toMatchObject({ status: 401, body: { success: false, message: 'Unauthorized', error: { code: 'UNAUTHORIZED' } } });
    expect(await rest.get('/api/no-such-route')).toMatchObject({ status: 404, body: { message: 'Endpoint not found' } });
  });
});

describe('the OpenAPI document', () => {
  it('describes only routes the gateway serves', async () => {
    const methods = Object.entries(openapi.doc.paths).flatMap(([template, ops]) => Object.keys(ops).map((method) => [method, template] as const));
    expect(methods.length).toBeGreaterThan(30);
    for (const [method, template] of methods) {
      const path = template.replace('{instanceId}', UNKNOWN).replace('{phoneNumber}', '15550109999');
      // A bad body or an unknown instance is fine; "no such route" is not.
      const res = await rest.call(method.toUpperCase(), path, method === 'get' || method === 'delete' ? undefined : {});
      expect([method, template, res.body?.message]).not.toEqual([method, template, 'Endpoint not found']);
    }
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
    const valid = await anonymous.as(ok.body.token).get('/api/validate');
    expect(valid.body).toEqual({ success: true, message: 'Token is valid', username: TEST_ADMIN.username });
    openapi.check('GET', '/api/validate', valid);
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
