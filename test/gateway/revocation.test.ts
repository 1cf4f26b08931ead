import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateApiKeyDocument,
  CreateUserDocument,
  GrantInstanceAccessDocument,
  InstanceStatusDocument,
  LoginDocument,
  LogoutDocument,
  RefreshTokenDocument,
  RevokeApiKeyDocument,
  RevokeInstanceAccessDocument,
  SystemEventsDocument,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { LegacyWsTestClient } from '../helpers/legacy-ws.ts';
import type { Subscription } from '../helpers/graphql-client.ts';

// Issue 11 §3: taking access away ends what is already open. One test per trigger, each through a
// real graphql-ws subscription and a real legacy WebSocket opened before the change.
//
// The gateway re-checks open streams on an `accessChanged` event and, for changes it cannot hear of
// (another gateway, the admin CLI), every 30 s. ENDS_WITHIN_MS is far below 30 s, so a stream
// ending in time proves the event path, without making the test depend on the box's speed.
const ENDS_WITHIN_MS = 10_000;
const PHONE = '15550810001';

let gw: TestGateway;
let instanceId: string;
let userSeq = 0;

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.sandbox.createPhone(PHONE, 'Revoked');
  instanceId = await gw.linkInstance('revocation', PHONE);
  // Boot and link: minutes on a loaded two-core box.
}, 480_000);

afterAll(async () => {
  await gw?.close();
});

const wsBase = () => gw.url.replace(/^http/, 'ws');

/** A USER granted the linked instance: their id, password and a fresh login. */
async function grantedUser() {
  const username = `revoked-${++userSeq}`;
  const password = `${username}-password-123`;
  const { createUser } = await gw.http.ok(CreateUserDocument, { username, password });
  await gw.http.ok(GrantInstanceAccessDocument, { userId: createUser.id, instanceId });
  const { login } = await gw.http.as(undefined).ok(LoginDocument, { username, password });
  return { userId: createUser.id, username, password, login };
}

/** The subscription got exactly one error with `code`, and then the server completed it (the socket stays). */
async function endsWith(sub: Subscription<unknown>, code: string): Promise<void> {
  const err = await sub.error(ENDS_WITHIN_MS);
  expect(err.extensions?.code).toBe(code);
  const end = await sub.completed(ENDS_WITHIN_MS);
  expect(end.error).toBeUndefined();
}

describe('revoking a grant', () => {
  // Streams over all instances stay open (the user may have others) and filter each event through
  // the caller's grants, which the change makes them read again.
  it('ends the subscriptions on that instance with FORBIDDEN and closes the legacy listener with 4403', async () => {
    const user = await grantedUser();
    const ws = gw.wsAs(user.login.accessToken);
    const status = await ws.subscribe(InstanceStatusDocument, { instanceId });
    await status.next((d) => d.instanceStatus.instanceId === instanceId);
    const listener = await LegacyWsTestClient.connect(`${wsBase()}/api/listen/${instanceId}`, { token: user.login.accessToken });

    await gw.http.ok(RevokeInstanceAccessDocument, { userId: user.userId, instanceId });

    await endsWith(status, 'FORBIDDEN');
    const closed = await listener.whenClosed(ENDS_WITHIN_MS);
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/no longer use instance/);
  });
});

describe('revoking an API key', () => {
  it('ends its subscriptions with UNAUTHENTICATED and closes its legacy sockets with 4401', async () => {
    const user = await grantedUser();
    const { createApiKey } = await gw.http.as(user.login.accessToken).ok(CreateApiKeyDocument, { name: 'stream' });
    const ws = gw.wsAs(createApiKey.key);
    const events = await ws.subscribe(SystemEventsDocument);
    const status = await ws.subscribe(InstanceStatusDocument, { instanceId });
    const global = await LegacyWsTestClient.connect(`${wsBase()}/ws`, { token: createApiKey.key });

    await gw.http.as(user.login.accessToken).ok(RevokeApiKeyDocument, { id: createApiKey.apiKey.id });

    await endsWith(events, 'UNAUTHENTICATED');
    await endsWith(status, 'UNAUTHENTICATED');
    const closed = await global.whenClosed(ENDS_WITHIN_MS);
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/expired or revoked/);
  });
});

describe("ending a user's session", () => {
  it('logout ends the streams opened with that login’s access token', async () => {
    const user = await grantedUser();
    const other = (await gw.http.as(undefined).ok(LoginDocument, { username: user.username, password: user.password })).login;
    const mine = await gw.wsAs(user.login.accessToken).subscribe(InstanceStatusDocument, { instanceId });
    const otherSession = await gw.wsAs(other.accessToken).subscribe(InstanceStatusDocument, { instanceId });
    const listener = await LegacyWsTestClient.connect(`${wsBase()}/api/listen/${instanceId}`, { token: user.login.accessToken });

    await gw.http.as(undefined).ok(LogoutDocument, { refreshToken: user.login.refreshToken });

    await endsWith(mine, 'UNAUTHENTICATED');
    expect((await listener.whenClosed(ENDS_WITHIN_MS)).code).toBe(4401);
    // Another login of the same user is another session: it goes on.
    expect(otherSession.results.some((r) => r.errors)).toBe(false);
    otherSession.close();
  });

  it('a reused (rotated-away) refresh token ends every stream of its session', async () => {
    const user = await grantedUser();
    const rotated = (await gw.http.as(undefined).ok(RefreshTokenDocument, { token: user.login.refreshToken })).refreshToken;
    // The token after rotation belongs to the same session as the first.
    const first = await gw.wsAs(user.login.accessToken).subscribe(SystemEventsDocument);
    const second = await gw.wsAs(rotated.accessToken).subscribe(InstanceStatusDocument, { instanceId });
    const global = await LegacyWsTestClient.connect(`${wsBase()}/ws`, { token: rotated.accessToken });

    // Presenting the spent token again is the theft signal: the whole session is revoked.
    await gw.http.as(undefined).fail(RefreshTokenDocument, { token: user.login.refreshToken });

    await endsWith(first, 'UNAUTHENTICATED');
    await endsWith(second, 'UNAUTHENTICATED');
    expect((await global.whenClosed(ENDS_WITHIN_MS)).code).toBe(4401);
  });
});

describe('an access token that expires', () => {
  it('ends its subscriptions with UNAUTHENTICATED and its legacy sockets with 4401 at expiry', { timeout: 240_000 }, async () => {
    // 10 s, the shortest JWT_ACCESS_TTL allowed.
    const short = await startTestGateway({ env: { JWT_ACCESS_TTL: '10' } });
    try {
      const { login } = await short.http.as(undefined).ok(LoginDocument, { username: 'admin', password: 'admin-password-for-tests' });
      const expiresAt = Date.parse(login.accessTokenExpiresAt);
      const events = await short.wsAs(login.accessToken).subscribe(SystemEventsDocument);
      const global = await LegacyWsTestClient.connect(`${short.url.replace(/^http/, 'ws')}/ws`, { token: login.accessToken });

      const err = await events.error(20_000 + ENDS_WITHIN_MS);
      expect(err.extensions?.code).toBe('UNAUTHENTICATED');
      expect(err.message).toMatch(/expired/);
      // Not before its time: the token was still good until then.
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
      expect((await events.completed(ENDS_WITHIN_MS)).error).toBeUndefined();
      const closed = await global.whenClosed(ENDS_WITHIN_MS);
      expect(closed.code).toBe(4401);
      expect(closed.reason).toMatch(/expired/);
    } finally {
      await short.close();
    }
  });
});
