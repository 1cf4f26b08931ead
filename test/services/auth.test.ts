import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { AuthService, type Principal } from '../../src/services/auth/auth.service.ts';
import { AccessTokenVerifier, signAccessToken } from '../../src/services/auth/jwt.ts';
import { createLogger } from '../../src/services/shared/logger.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';

let db: TestOrm;
let auth: AuthService;
const secret = randomBytes(32);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

beforeAll(async () => {
  db = await createTestOrm();
  auth = new AuthService({ orm: db.orm, logger: createLogger('silent'), jwtSecret: secret, accessTtlSeconds: 3600, refreshTtlSeconds: 7 * 86400 });
});
afterAll(() => db.close());

describe('AuthService', () => {
  let adminPassword: string;

  it('bootstraps one admin with a generated password, once', async () => {
    const first = await auth.bootstrapAdmin({});
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    adminPassword = first.generatedPassword!;
    expect(await auth.bootstrapAdmin({ username: 'x', password: 'y'.repeat(12) })).toEqual({ created: false });
  });

  it('logs in, authenticates the access token, refuses wrong passwords alike', async () => {
    const pair = await auth.login('admin', adminPassword);
    expect(await auth.verifyToken(pair.accessToken)).toMatchObject({ role: 'ADMIN', via: 'jwt', userId: pair.user.id });
    await expect(auth.login('admin', 'wrong-password!')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid username or password' });
    await expect(auth.login('nobody', 'wrong-password!')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid username or password' });
  });

  it('refuses tampered, alg:none, wrong-secret and expired tokens', async () => {
    const { accessToken, user } = await auth.login('admin', adminPassword);
    const [h, p, s] = accessToken.split('.');
    const escalated = `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })}.${s}`;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    const otherSecret = signAccessToken(randomBytes(32), { sub: user.id, role: 'ADMIN' }, 3600).token;
    const expired = signAccessToken(secret, { sub: user.id, role: 'ADMIN' }, 60, Date.now() - 3_600_000).token;
    const hs512 = `${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${createHmac('sha512', secret).update(`${b64({ alg: 'HS512', typ: 'JWT' })}.${p}`).digest('base64url')}`;
    for (const bad of [escalated, none, otherSecret, hs512, 'garbage', 'a.b.c']) {
      await expect(auth.verifyToken(bad)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid access token' });
    }
    await expect(auth.verifyToken(expired)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'access token expired' });
  });

  it('remembers an accepted token but still refuses it once expired, and a changed one always', () => {
    const verifier = new AccessTokenVerifier(secret);
    const now = Date.now();
    const { token } = signAccessToken(secret, { sub: 'u1', role: 'USER' }, 60, now);
    expect(verifier.verify(token, now)).toMatchObject({ ok: true, claims: { sub: 'u1' } });
    expect(verifier.verify(token, now + 1_000)).toMatchObject({ ok: true, claims: { sub: 'u1' } });
    const [h, p] = token.split('.');
    expect(verifier.verify(`${h}.${p}.${'A'.repeat(43)}`, now)).toEqual({ ok: false, reason: 'signature' });
    expect(verifier.verify(token, now + 61_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifier.verify(token, now + 62_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rotates refresh tokens; a reused one is refused and revokes its family', async () => {
    const first = await auth.login('admin', adminPassword);
    const second = await auth.refresh(first.refreshToken);
    await expect(auth.refresh(first.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // the reuse revoked the family: the newer token is gone too
    await expect(auth.refresh(second.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const third = await auth.login('admin', adminPassword);
    await auth.logout(third.refreshToken);
    await expect(auth.refresh(third.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('issues API keys shown once, stored hashed, revocable by their owner', async () => {
    const user = await auth.createUser({ username: 'bot-owner', password: 'a long password 1' });
    const principal: Principal = { userId: user.id, role: 'USER', via: 'jwt', expiresAt: null, apiKeyId: null, sessionId: null };
    const { apiKey, key } = await auth.createApiKey(principal, 'ci bot');
    expect(key).toMatch(/^wmx_key_/);
    expect(apiKey.prefix).toBe(key.slice(0, 12));
    const viaKey = await auth.verifyToken(key);
    expect(viaKey).toMatchObject({ userId: user.id, role: 'USER', via: 'api-key' });
    expect((await auth.apiKeys(principal)).map((k) => k.id)).toEqual([apiKey.id]);
    await auth.revokeApiKey(principal, apiKey.id);
    expect(await auth.stillValid(viaKey)).toBe(false);
    await expect(auth.verifyToken(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const stranger: Principal = { ...principal, userId: (await auth.createUser({ username: 'stranger', password: 'a long password 2' })).id };
    await expect(auth.revokeApiKey(stranger, apiKey.id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
  });

  it('decides instance access: owner, grant, admin', async () => {
    const instances = new InstanceRepository(db.orm);
    const alice = await auth.createUser({ username: 'alice', password: 'a long password 3' });
    const bob = await auth.createUser({ username: 'bob', password: 'a long password 4' });
    const asUser = (id: string): Principal => ({ userId: id, role: 'USER', via: 'jwt', expiresAt: null, apiKeyId: null, sessionId: null });
    const inst = await instances.create({ name: 'alice-desk', ownerId: alice.id });
    expect(await auth.canAccess(asUser(alice.id), inst)).toBe(true);
    expect(await auth.canAccess(asUser(bob.id), inst)).toBe(false);
    expect(await auth.canAccess({ ...asUser(bob.id), role: 'ADMIN' }, inst)).toBe(true);
    await auth.grantInstanceAccess(bob.id, inst.id, async (id) => !!(await instances.findById(id)));
    expect(await auth.canAccess(asUser(bob.id), inst)).toBe(true);
    expect(await auth.grantedInstanceIds(asUser(bob.id))).toEqual(new Set([inst.id]));
    await auth.revokeInstanceAccess(bob.id, inst.id);
    expect(await auth.canAccess(asUser(bob.id), inst)).toBe(false);
    await expect(auth.grantInstanceAccess(bob.id, '00000000-0000-0000-0000-000000000000', async (id) => !!(await instances.findById(id)))).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await expect(auth.grantInstanceAccess('nope', inst.id, async () => true)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('validates new users', async () => {
    await expect(auth.createUser({ username: 'ab', password: 'a long password 5' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(auth.createUser({ username: 'carol', password: 'short' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(auth.createUser({ username: 'alice', password: 'a long password 6' })).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
  });
});
