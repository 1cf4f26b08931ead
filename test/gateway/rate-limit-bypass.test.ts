import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom, type Answer } from '../helpers/from-address.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';

// The ways around the rate limits that issue 11 (§5) found, each walked through real requests.
// Every test calls from loopback addresses of its own (the server sees 127.0.0.x as the client), so
// one test's per-address buckets never reach the next. The per-address window is long (RATE_LIMIT_RPS=1,
// RATE_LIMIT_BURST=40: 40 s), so a slow box cannot let a bucket refill in the middle of a test.
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    env: { RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '40', LOGIN_RATE_LIMIT_PER_MINUTE: '3', SEND_RATE_LIMIT_PER_MINUTE: '4', CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE: '2' },
  });
});

afterAll(async () => {
  await gw?.close();
});

const from = (localAddress: string, method: string, path: string, body?: unknown, token?: string) => requestFrom(gw.url, localAddress, method, path, body, token);
const graphql = (address: string, query: string, variables: object = {}, token?: string) => from(address, 'POST', '/graphql', { query, variables }, token);
const code = (answer: Answer) => answer.body?.errors?.[0]?.extensions?.code as string | undefined;

/** A graphql-ws upgrade from `localAddress`: 101 when accepted, else the HTTP status it was answered with. */
function upgradeStatus(localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { localAddress });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';
const SEND_TEXT = 'mutation($input: SendTextInput!) { sendText(input: $input) { messageId } }';
const SEND_MEDIA = 'mutation($input: SendMediaInput!) { sendMedia(input: $input) { messageId } }';
const CHECK = 'query($id: ID!, $n: [String!]!) { checkNumbers(instanceId: $id, phoneNumbers: $n) { exists } }';

describe('the send quota', () => {
  it('is one bucket per instance, however the instance is named, for text and media, GraphQL and REST', { timeout: 120_000 }, async () => {
    const address = '127.0.1.1';
    const token = gw.adminToken;
    await gw.sandbox.createPhone('15550001111', 'Quota');
    const id = await gw.linkInstance('quota-sender', '15550001111');
    // Nobody has this number on WhatsApp: each send is refused after it was counted, nothing goes out.
    const to = '15550409999';
    const sends = [
      () => graphql(address, SEND_TEXT, { input: { instanceId: id, to, text: 'x' } }, token),
      () => graphql(address, SEND_TEXT, { input: { instanceId: id.toUpperCase(), to, text: 'x' } }, token),
      () => graphql(address, SEND_MEDIA, { input: { fromPhoneNumber: '+1 555 000 1111', to, kind: 'IMAGE', url: 'https://example.com/a.jpg' } }, token),
      () => from(address, 'POST', '/api/by-number/+15550001111', { to, message: 'x' }, token),
    ];
    for (const send of sends) {
      const answer = await send();
      expect(answer.status === 429 || code(answer) === 'RATE_LIMITED', JSON.stringify(answer.body)).toBe(false);
    }
    // SEND_RATE_LIMIT_PER_MINUTE=4: the fifth, in yet another spelling and over REST, is over.
    const limited = await from(address, 'POST', `/api/send/${id.toUpperCase()}/media-url`, { to, mediaUrl: 'https://example.com/a.jpg' }, token);
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(code(await graphql(address, SEND_TEXT, { input: { fromPhoneNumber: '15550001111', to, text: 'x' } }, token))).toBe('RATE_LIMITED');
  });
});

describe('the per-address bucket', () => {
  it('counts requests REST refuses for their credential (401, 403, unknown paths) before authentication', async () => {
    const address = '127.0.1.2';
    const user = await gw.createUserToken('bucket-user');
    const { body } = await from('127.0.1.99', 'POST', '/api/login', { kelompok: 'someone-elses' }, gw.adminToken);
    const others = body.data.instanceId as string;
    const refused = await Promise.all([
      ...Array.from({ length: 15 }, () => from(address, 'GET', '/api/instances', undefined, 'not-a-valid-token')),
      ...Array.from({ length: 15 }, () => from(address, 'GET', `/api/status/${others}`, undefined, user)),
      ...Array.from({ length: 10 }, () => from(address, 'GET', '/api/no-such-route')),
    ]);
    expect(refused.map((r) => r.status).sort()).toEqual([...Array(15).fill(401), ...Array(10).fill(401), ...Array(15).fill(403)].sort());
    // RATE_LIMIT_BURST=40 spent on refusals: a good credential from the same address is refused too.
    const limited = await from(address, 'GET', '/api/instances', undefined, gw.adminToken);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await from('127.0.1.3', 'GET', '/api/instances', undefined, gw.adminToken)).status).toBe(200);
  });

  it('counts /media downloads and graphql-ws upgrades', async () => {
    const address = '127.0.1.4';
    const downloads = await Promise.all(Array.from({ length: 20 }, () => from(address, 'GET', '/media/00000000-0000-4000-8000-000000000000/ABC')));
    expect(new Set(downloads.map((r) => r.status))).toEqual(new Set([401]));
    const upgrades = await Promise.all(Array.from({ length: 20 }, () => upgradeStatus(address)));
    expect(new Set(upgrades)).toEqual(new Set([101]));
    // Forty counted: the next download and the next upgrade are over.
    const download = await from(address, 'GET', '/media/00000000-0000-4000-8000-000000000000/ABC');
    expect([download.status, download.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(await upgradeStatus(address)).toBe(429);
    expect(await upgradeStatus('127.0.1.5')).toBe(101);
  });
});

describe('logins', () => {
  it('count against the address even when the caller sends a valid token', async () => {
    const address = '127.0.1.6';
    // LOGIN_RATE_LIMIT_PER_MINUTE=3, each for a different (unknown) account.
    for (const u of ['nobody-1', 'nobody-2', 'nobody-3']) expect(code(await graphql(address, LOGIN, { u, p: 'wrong-password-x' }))).toBe('UNAUTHENTICATED');
    expect(code(await graphql(address, LOGIN, TEST_ADMIN_VARS, gw.adminToken))).toBe('RATE_LIMITED');
    const rest = await from(address, 'POST', '/login', TEST_ADMIN, gw.adminToken);
    expect([rest.status, rest.body.error.code]).toEqual([429, 'RATE_LIMITED']);
  });

  // The first wait is 10 s: however slowly a loaded box sends the sixth login, it falls inside it.
  it('slow down after five failures for one account, from any address, GraphQL and REST together, and let the owner in after the wait', { timeout: 240_000 }, async () => {
    const password = 'victim-password-123';
    await gw.createUserToken('victim');
    // Five wrong guesses from five addresses, so no per-address quota is involved.
    for (let i = 0; i < 5; i++) {
      const address = `127.0.2.${i + 1}`;
      const guess = `guess-number-${i}`;
      if (i % 2) expect((await from(address, 'POST', '/login', { username: 'victim', password: guess })).status).toBe(401);
      else expect(code(await graphql(address, LOGIN, { u: 'victim', p: guess }))).toBe('UNAUTHENTICATED');
    }
    // Even the right password waits now, on either transport, in either letter case.
    const graphqlRefusal = await graphql('127.0.2.10', LOGIN, { u: 'VICTIM', p: password });
    expect(graphqlRefusal.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    const wait = graphqlRefusal.body.errors[0].extensions.retryAfterSeconds as number;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(10);
    const restRefusal = await from('127.0.2.11', 'POST', '/login', { username: 'victim', password });
    expect([restRefusal.status, restRefusal.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    // A slowdown, not a lockout: after the wait the server named, the owner gets in (and the count is cleared).
    await delay(wait * 1000);
    expect(code(await graphql('127.0.2.12', LOGIN, { u: 'victim', p: password }))).toBeUndefined();
    expect(code(await graphql('127.0.2.13', LOGIN, { u: 'victim', p: 'one-more-wrong' }))).toBe('UNAUTHENTICATED');
    expect(code(await graphql('127.0.2.14', LOGIN, { u: 'victim', p: password }))).toBeUndefined();
  });
});

const TEST_ADMIN_VARS = { u: TEST_ADMIN.username, p: TEST_ADMIN.password };

describe('number checks', () => {
  it('have a quota per instance, GraphQL and REST together', async () => {
    const address = '127.0.1.7';
    const token = gw.adminToken;
    const { body } = await from(address, 'POST', '/api/login', { kelompok: 'checker' }, token);
    const id = body.data.instanceId as string;
    // Not connected: refused, but counted (CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE=2).
    expect(code(await graphql(address, CHECK, { id, n: ['15550409998'] }, token))).toBe('INSTANCE_NOT_CONNECTED');
    expect((await from(address, 'POST', `/api/check/${id.toUpperCase()}`, { phone: '15550409998' }, token)).status).toBe(400);
    expect(code(await graphql(address, CHECK, { id: id.toUpperCase(), n: ['15550409998'] }, token))).toBe('RATE_LIMITED');
    const rest = await from(address, 'POST', `/api/check/${id}`, { phone: '15550409998' }, token);
    expect([rest.status, rest.body.error.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
