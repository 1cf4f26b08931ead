import { randomUUID } from 'node:crypto';
import { AccountRepository, EmailTaken, UsernameTaken, type ApiKeyRecord, type UserRecord } from '../../db/account.repository.ts';
import type { Role } from '../../db/user.entity.ts';
import type { Orm } from '../../db/orm.ts';
import { DomainError, validationFailed, type EventBus, type Logger } from '../shared/index.ts';
import type { AccessChange } from './access-change.ts';
import { AccessTokenVerifier, signAccessToken } from './jwt.ts';
import { hashToken, isApiKey, newOpaqueToken } from './opaque-token.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';
import { API_KEY_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './limits.ts';
import { accountKey, LoginThrottle, MemoryFailedLogins, type FailedLoginStore } from './login-throttle.ts';

/** Who is calling: a user, through a JWT or one of their API keys. */
export interface Principal {
  userId: string;
  role: Role;
  via: 'jwt' | 'api-key';
  /** Seconds since epoch when the credential stops working (JWTs), for re-checks on long-lived sockets. */
  expiresAt: number | null;
  apiKeyId: string | null;
  /** The login session a JWT belongs to (its refresh-token family): logging out or a password change ends it. */
  sessionId: string | null;
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  fullName: string | null;
  createdAt: Date;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: UserView;
}

export interface AuthOptions {
  orm: Orm;
  logger: Logger;
  jwtSecret: Buffer;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Failed-login counts per account; this process's memory unless given (Redis for several gateways). */
  failedLogins?: FailedLoginStore;
  /** Where `accessChanged` goes, so open streams end when access is taken away (absent in the admin CLI). */
  events?: Pick<EventBus, 'publish'>;
}

const unauthenticated = (message = 'authentication required') => new DomainError('UNAUTHENTICATED', message);
const forbidden = (message = 'not allowed') => new DomainError('FORBIDDEN', message);
const view = (u: UserRecord): UserView => ({ id: u.id, username: u.username, role: u.role, email: u.email, fullName: u.fullName, createdAt: u.createdAt });
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const USERNAME = /^[a-zA-Z0-9._@-]{3,64}$/;
const API_KEY_TOUCH_MS = 60_000;
/** Compared against when a username does not exist, so timing does not reveal which usernames do. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Accounts, tokens, API keys and who may touch which instance. Transports enforce; this decides. */
export class AuthService {
  private readonly accounts: AccountRepository;
  private readonly opts: AuthOptions;
  private readonly log: Logger;
  private readonly throttle: LoginThrottle;
  private readonly tokens: AccessTokenVerifier;

  constructor(opts: AuthOptions) {
    this.opts = opts;
    this.tokens = new AccessTokenVerifier(opts.jwtSecret);
    this.throttle = new LoginThrottle(opts.failedLogins ?? new MemoryFailedLogins());
    this.accounts = new AccountRepository(opts.orm);
    this.log = opts.logger.child({ component: 'auth' });
  }

  /** First boot: an admin from the given credentials, or with a generated password printed once. */
  async bootstrapAdmin(input: { username?: string; password?: string }): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.accounts.countUsers()) > 0) return { created: false };
    const username = input.username ?? 'admin';
    const generated = input.password ? undefined : generatePassword();
    await this.createUser({ username, password: input.password ?? generated!, role: 'ADMIN' });
    return { created: true, generatedPassword: generated };
  }

  async createUser(input: { username: string; password: string; role?: Role; email?: string; fullName?: string }): Promise<UserView> {
    const username = String(input.username ?? '').trim();
    const email = input.email === undefined ? null : String(input.email).trim().toLowerCase();
    if (email !== null && !EMAIL.test(email)) throw validationFailed('email must be an e-mail address', { field: 'email' });
    const fullName = input.fullName === undefined ? null : String(input.fullName).trim().slice(0, 255) || null;
    if (!USERNAME.test(username)) throw validationFailed('username must be 3 to 64 letters, digits or . _ @ -', { field: 'username' });
    if (typeof input.password !== 'string' || input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH) {
      throw validationFailed(`password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`, { field: 'password' });
    }
    const role = input.role ?? 'USER';
    if (role !== 'ADMIN' && role !== 'USER') throw validationFailed('role must be ADMIN or USER', { field: 'role' });
    try {
      return view(await this.accounts.createUser({ username, passwordHash: await hashPassword(input.password), role, email, fullName }));
    } catch (err) {
      if (err instanceof EmailTaken) throw new DomainError('EMAIL_TAKEN', 'email already exists', { field: 'email' });
      if (err instanceof UsernameTaken) throw new DomainError('USERNAME_TAKEN', `username "${username}" is taken`, { username });
      throw err;
    }
  }

  /** An operator's reset (admin CLI): a new password, and the user's refresh tokens revoked. */
  async resetPassword(username: string, password: string): Promise<UserView> {
    if (typeof password !== 'string' || password.length < 12 || password.length > 256) {
      throw validationFailed('password must be 12 to 256 characters', { field: 'password' });
    }
    const user = await this.accounts.findUserByName(String(username ?? '').trim());
    if (!user) throw new DomainError('USER_NOT_FOUND', `no user named "${username}"`, { username });
    await this.accounts.setPasswordHash(user.id, await hashPassword(password));
    this.changed({ kind: 'user-sessions-ended', userId: user.id });
    return view(user);
  }

  async users(): Promise<UserView[]> {
    return (await this.accounts.listUsers()).map(view);
  }

  /** Who a background job acts for (a user's webhook on every instance they may see); null when the user is gone. */
  async principalOf(userId: string): Promise<Principal | null> {
    const user = await this.accounts.findUser(userId);
    return user && { userId: user.id, role: user.role, via: 'jwt', expiresAt: null, apiKeyId: null, sessionId: null };
  }

  async me(principal: Principal): Promise<UserView> {
    const user = await this.accounts.findUser(principal.userId);
    if (!user) throw unauthenticated('this account no longer exists');
    return view(user);
  }

  /** Slowed per account after repeated failures (login-throttle.ts): RATE_LIMITED with `retryAfterSeconds`. */
  async login(username: string, password: string): Promise<TokenPair> {
    const account = accountKey(username);
    const waitSeconds = await this.throttle.begin(account);
    if (waitSeconds) {
      throw new DomainError('RATE_LIMITED', `too many failed logins for this account: try again in ${waitSeconds} s`, { retryAfterSeconds: waitSeconds });
    }
    const user = typeof username === 'string' ? await this.accounts.findUserByName(username.trim()) : null;
    const ok = await verifyPassword(String(password ?? ''), user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw unauthenticated('invalid username or password');
    await this.throttle.succeeded(account);
    return this.issue(user, randomUUID());
  }

  /** Rotates: the presented token stops working. Presenting a revoked one revokes the whole family (theft signal). */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const stored = await this.liveRefreshToken(refreshToken);
    if (!(await this.accounts.revokeRefreshToken(stored.id))) throw unauthenticated('refresh token was already used');
    const user = await this.accounts.findUser(stored.userId);
    if (!user) throw unauthenticated('this account no longer exists');
    return this.issue(user, stored.family);
  }

  /**
   * A new access token; the refresh token stays valid until it expires or is logged out. Only for
   * legacy REST clients (SUDEVWA never rotated, so its clients reuse one refresh token and would
   * trip the rotation's theft detection).
   */
  async refreshAccessOnly(refreshToken: string): Promise<{ accessToken: string; accessTokenExpiresAt: Date; user: UserView }> {
    const stored = await this.liveRefreshToken(refreshToken);
    const user = await this.accounts.findUser(stored.userId);
    if (!user) throw unauthenticated('this account no longer exists');
    const access = signAccessToken(this.opts.jwtSecret, { sub: user.id, role: user.role, sid: stored.family }, this.opts.accessTtlSeconds);
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, user: view(user) };
  }

  private async liveRefreshToken(refreshToken: string) {
    const stored = typeof refreshToken === 'string' ? await this.accounts.findRefreshToken(hashToken(refreshToken)) : null;
    if (!stored) throw unauthenticated('invalid refresh token');
    if (stored.revokedAt) {
      await this.accounts.revokeFamily(stored.family);
      this.changed({ kind: 'session-ended', userId: stored.userId, sessionId: stored.family });
      this.log.warn({ userId: stored.userId }, 'a revoked refresh token was presented; its family is revoked');
      throw unauthenticated('refresh token was already used or revoked');
    }
    if (stored.expiresAt.getTime() <= Date.now()) throw unauthenticated('refresh token expired');
    return stored;
  }

  /** Ends a login: the refresh token (and everything rotated from it) stops working. */
  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const stored = await this.accounts.findRefreshToken(hashToken(refreshToken));
    if (!stored) return;
    await this.accounts.revokeFamily(stored.family);
    this.changed({ kind: 'session-ended', userId: stored.userId, sessionId: stored.family });
  }

  /**
   * A token (JWT access token or API key, the bearer's value) → its principal. Throws UNAUTHENTICATED
   * for a bad one. Transports do not call this: they go through `authenticate()` (authenticate.ts).
   */
  async verifyToken(bearer: string): Promise<Principal> {
    const token = bearer.trim();
    if (isApiKey(token)) {
      const key = await this.accounts.findApiKeyByHash(hashToken(token));
      if (!key || key.revokedAt) throw unauthenticated('invalid or revoked API key');
      const user = await this.accounts.findUser(key.userId);
      if (!user) throw unauthenticated('invalid or revoked API key');
      if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > API_KEY_TOUCH_MS) void this.accounts.touchApiKey(key.id).catch(() => undefined);
      return { userId: user.id, role: user.role, via: 'api-key', expiresAt: null, apiKeyId: key.id, sessionId: null };
    }
    const result = this.tokens.verify(token);
    if (!result.ok) throw unauthenticated(result.reason === 'expired' ? 'access token expired' : 'invalid access token');
    const role = result.claims.role === 'ADMIN' ? 'ADMIN' : 'USER';
    return { userId: result.claims.sub, role, via: 'jwt', expiresAt: result.claims.exp, apiKeyId: null, sessionId: typeof result.claims.sid === 'string' ? result.claims.sid : null };
  }

  /** For long-lived sockets: is this principal still good now? (expired JWT, revoked key, ended session, deleted user) */
  async stillValid(principal: Principal): Promise<boolean> {
    if (principal.expiresAt !== null && principal.expiresAt * 1000 <= Date.now()) return false;
    if (principal.apiKeyId) {
      const key = await this.accounts.findApiKey(principal.apiKeyId);
      if (!key || key.revokedAt) return false;
    }
    if (principal.sessionId && !(await this.accounts.familyIsLive(principal.sessionId))) return false;
    return !!(await this.accounts.findUser(principal.userId));
  }

  async createApiKey(principal: Principal, name: string): Promise<{ apiKey: ApiKeyRecord; key: string }> {
    // A key that could mint keys would outlive its own revocation through them.
    if (principal.via !== 'jwt') throw forbidden('an API key cannot create API keys: log in with your password and create it with that session');
    const label = String(name ?? '').trim();
    if (!label || label.length > API_KEY_NAME_MAX_LENGTH) throw validationFailed(`name must be 1 to ${API_KEY_NAME_MAX_LENGTH} characters`, { field: 'name' });
    const key = newOpaqueToken('wmx_key');
    const apiKey = await this.accounts.addApiKey({ userId: principal.userId, name: label, keyHash: hashToken(key), prefix: key.slice(0, 12) });
    return { apiKey, key };
  }

  async apiKeys(principal: Principal): Promise<ApiKeyRecord[]> {
    return this.accounts.listApiKeys(principal.role === 'ADMIN' ? undefined : principal.userId);
  }

  async revokeApiKey(principal: Principal, id: string): Promise<ApiKeyRecord> {
    const key = typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? await this.accounts.findApiKey(id) : null;
    if (!key || (principal.role !== 'ADMIN' && key.userId !== principal.userId)) throw new DomainError('API_KEY_NOT_FOUND', `API key ${id} not found`, { id });
    await this.accounts.revokeApiKey(key.id);
    this.changed({ kind: 'api-key-revoked', userId: key.userId, apiKeyId: key.id });
    return (await this.accounts.findApiKey(key.id))!;
  }

  /** `instanceExists` comes from the instance service: grants only point at real instances. */
  async grantInstanceAccess(userId: string, instanceId: string, instanceExists: (id: string) => Promise<boolean>): Promise<void> {
    await this.requireUser(userId);
    if (!(await instanceExists(instanceId))) throw new DomainError('INSTANCE_NOT_FOUND', `instance ${instanceId} not found`, { instanceId });
    await this.accounts.grant(userId, instanceId);
  }

  async revokeInstanceAccess(userId: string, instanceId: string): Promise<void> {
    await this.requireUser(userId);
    await this.accounts.revokeGrant(userId, instanceId);
    this.changed({ kind: 'grant-revoked', userId, instanceId });
  }

  /** Admins see everything; a user sees what they own or were granted. */
  async canAccess(principal: Principal, instance: { id: string; ownerId: string | null }): Promise<boolean> {
    if (principal.role === 'ADMIN' || instance.ownerId === principal.userId) return true;
    return this.accounts.hasGrant(principal.userId, instance.id);
  }

  /** 'all' for admins, else the ids of instances granted to the user (owned ones are matched by ownerId). */
  async grantedInstanceIds(principal: Principal): Promise<'all' | Set<string>> {
    if (principal.role === 'ADMIN') return 'all';
    return new Set(await this.accounts.grantedInstanceIds(principal.userId));
  }

  requireAdmin(principal: Principal | null): Principal {
    if (!principal) throw unauthenticated();
    if (principal.role !== 'ADMIN') throw forbidden('administrators only');
    return principal;
  }

  /** Told after the change is stored, so whoever re-checks sees it. */
  private changed(change: AccessChange): void {
    this.opts.events?.publish('accessChanged', change);
  }

  private async requireUser(userId: string): Promise<UserRecord> {
    const user = typeof userId === 'string' && /^[0-9a-f-]{36}$/i.test(userId) ? await this.accounts.findUser(userId) : null;
    if (!user) throw new DomainError('USER_NOT_FOUND', `user ${userId} not found`, { userId });
    return user;
  }

  private async issue(user: UserRecord, family: string): Promise<TokenPair> {
    const access = signAccessToken(this.opts.jwtSecret, { sub: user.id, role: user.role, sid: family }, this.opts.accessTtlSeconds);
    const refreshToken = newOpaqueToken('wmx_rt');
    const refreshTokenExpiresAt = new Date(Date.now() + this.opts.refreshTtlSeconds * 1000);
    await this.accounts.addRefreshToken({ userId: user.id, tokenHash: hashToken(refreshToken), family, expiresAt: refreshTokenExpiresAt });
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt, user: view(user) };
  }
}
