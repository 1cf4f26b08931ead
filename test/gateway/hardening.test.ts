import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/services/shared/logger.ts';
import {
  CreateApiKeyDocument,
  ConnectInstanceDocument,
  CreateInstanceDocument,
  InstanceStatusDocument,
  LoginDocument,
  MessageReceivedDocument,
  QrCodeDocument,
  RefreshTokenDocument,
  SendTextDocument,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';

// What the gateway shows to browsers, to schema crawlers and to its own log.

describe('CORS', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { CORS_ALLOW_ORIGINS: 'https://desk.example, https://ops.example' } });
  });
  afterAll(() => gw.close());

  const preflight = (origin: string) =>
    fetch(`${gw.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('answers listed origins, and only those', async () => {
    const allowed = await preflight('https://desk.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://desk.example');
    expect(allowed.headers.get('access-control-allow-headers') ?? '').toMatch(/authorization/i);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${gw.url}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('production settings', () => {
  it('GRAPHIQL=false and INTROSPECTION=false hide GraphiQL and the schema', async () => {
    // The test harness links through the sandbox, which production refuses unless told (WA_SANDBOX_IN_PRODUCTION).
    const gw = await startTestGateway({ env: { NODE_ENV: 'production', WA_SANDBOX_IN_PRODUCTION: 'true', GRAPHIQL: 'false', INTROSPECTION: 'false' } });
    try {
      const page = await fetch(`${gw.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/graphiql/i);
      const res = await fetch(`${gw.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` },
        body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string }> };
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await gw.close();
    }
  });
});

const redisUp = await new Promise<boolean>((resolve) => {
  const socket = new Socket();
  socket.setTimeout(500);
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => (socket.destroy(), resolve(false)));
  socket.connect(6379, '127.0.0.1');
});

describe.skipIf(!redisUp)('rate limits in Redis (REDIS_URL)', () => {
  // Boots three gateways one after the other: up to 45 s each on a loaded two-core box.
  it('are shared by every gateway on the same Redis', { timeout: 240_000 }, async () => {
    // A prefix of this run's own, so other runs (and other deployments) on this Redis do not count.
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `wamux-test-${randomBytes(6).toString('hex')}:`, LOGIN_RATE_LIMIT_PER_MINUTE: '2' };
    // Each gateway logs its admin in once while starting: two logins from this address, the limit.
    const a = await startTestGateway({ env });
    const b = await startTestGateway({ env });
    try {
      const err = await a.http.as(undefined).fail(LoginDocument, TEST_ADMIN);
      expect(err.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      // In memory, each gateway would have counted only its own one login.
      const local = await startTestGateway({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '2' } });
      try {
        await local.http.as(undefined).ok(LoginDocument, TEST_ADMIN);
      } finally {
        await local.close();
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('logs', () => {
  it('never carry passwords, tokens, API keys or QR strings, even at debug level', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    });
    const gw = await startTestGateway({ env: { LOG_LEVEL: 'debug' }, logger: createLogger('debug', sink) });
    const secrets: string[] = [TEST_ADMIN.password, gw.adminToken];
    try {
      await gw.sandbox.createPhone('15550810001', 'Desk');
      await gw.sandbox.createPhone('15550810002', 'Customer');
      const login = (await gw.http.as(undefined).ok(LoginDocument, TEST_ADMIN)).login;
      secrets.push(login.accessToken, login.refreshToken);
      const rotated = (await gw.http.as(undefined).ok(RefreshTokenDocument, { token: login.refreshToken })).refreshToken;
      secrets.push(rotated.accessToken, rotated.refreshToken);
      const apiKey = (await gw.http.ok(CreateApiKeyDocument, { name: 'ci' })).createApiKey.key;
      secrets.push(apiKey);
      // A bad login and a bad token are logged as events, without what was tried.
      await gw.http.as(undefined).fail(LoginDocument, { username: 'admin', password: 'wrong-password-attempt' });
      secrets.push('wrong-password-attempt');

      const { createInstance } = await gw.http.ok(CreateInstanceDocument, { name: 'desk' });
      const status = await gw.ws.subscribe(InstanceStatusDocument, { instanceId: createInstance.id });
      const qrs = await gw.ws.subscribe(QrCodeDocument, { instanceId: createInstance.id });
      await gw.http.ok(ConnectInstanceDocument, { id: createInstance.id });
      const qr = (await qrs.next()).qrCode.code;
      secrets.push(qr);
      await gw.sandbox.scan('15550810001', qr);
      await status.next((d) => d.instanceStatus.status === 'ONLINE');
      const inbox = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: createInstance.id });
      await gw.http.as(apiKey).ok(SendTextDocument, { input: { instanceId: createInstance.id, to: '15550810002', text: 'hello' } });
      await gw.sandbox.sendText('15550810002', '15550810001', 'hi back');
      await inbox.next();
    } finally {
      await gw.close();
    }
    expect(logged.length).toBeGreaterThan(1000);
    // Only a prefix of each leak is printed: the assertion message goes to the CI log too.
    expect(secrets.filter((s) => logged.includes(s)).map((s) => `${s.slice(0, 12)}…`)).toEqual([]);
  });
});
