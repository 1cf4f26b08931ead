import type { FastifyInstance } from 'fastify';
import type { TokenPair } from '../services/auth/index.ts';
import { DomainError, VERSION } from '../services/shared/index.ts';
import { body, caller, limit, text, type RestDeps } from './context.ts';
import { LOGIN_JWT_REFUSALS } from './errors.ts';
import { sendErrorReply } from '../http/error-replies.ts';
import { ok, RestError } from './envelope.ts';
import { userObject } from './presenters.ts';

const tokens = (pair: TokenPair) => ({
  access_token: pair.accessToken,
  refresh_token: pair.refreshToken,
  expires_at: pair.accessTokenExpiresAt.toISOString(),
  user: userObject(pair.user),
});

/** Public: health, `/login`, `/refresh`, `/register` and the pre-accounts `/login-jwt` (docs/sudevwa-api.md §2.2, §13). */
export function publicAuthRoutes(deps: RestDeps) {
  return async (app: FastifyInstance) => {
    app.get('/', async () => ({ success: true, message: 'WhatsApp API is running', version: VERSION }));

    app.post('/login', { config: { legacy: { scope: 'login', bindCode: 'BAD_REQUEST' } } }, async (req) => {
      const fields = body(req);
      const [username, password] = [text(req, fields, 'username'), fields.password];
      if (!username || typeof password !== 'string' || !password) throw RestError.of(400, 'Username and password are required', 'MISSING_FIELDS');
      await limit(deps, req, 'login');
      return ok('Login successful', tokens(await deps.auth.login(username, password)));
    });

    app.post('/refresh', { config: { legacy: { scope: 'refresh', bindCode: 'BAD_REQUEST' } } }, async (req) => {
      const token = text(req, body(req), 'refresh_token');
      if (!token) throw RestError.of(400, 'Refresh token is required', 'MISSING_TOKEN');
      await limit(deps, req, 'refreshToken');
      const fresh = await deps.auth.refreshAccessOnly(token);
      return ok('Token refreshed successfully', {
        access_token: fresh.accessToken,
        expires_at: fresh.accessTokenExpiresAt.toISOString(),
        user: userObject(fresh.user),
      });
    });

    app.post('/register', { config: { legacy: { scope: 'register', bindCode: 'BAD_REQUEST' } } }, async (req, reply) => {
      if (!deps.legacy.allowRegistration) throw RestError.of(403, 'Registration is disabled', 'REGISTRATION_DISABLED', 'set ALLOW_REGISTRATION=true to allow it');
      const fields = body(req);
      const [username, email, fullName] = [text(req, fields, 'username'), text(req, fields, 'email'), text(req, fields, 'full_name')];
      const password = fields.password;
      if (!username || !email || typeof password !== 'string' || !password) throw RestError.of(400, 'Username, email, and password are required', 'MISSING_FIELDS');
      await limit(deps, req, 'login');
      await deps.auth.createUser({ username, password, email, ...(fullName ? { fullName } : {}), role: 'USER' });
      return reply.status(201).send(ok('User registered successfully', tokens(await deps.auth.login(username, password))));
    });

    // Era A/B clients: not enveloped, `{token}` or `{error}` only (docs/sudevwa-api.md §13).
    app.post('/login-jwt', async (req, reply) => {
      const fields = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : null;
      if (!fields || typeof fields.username !== 'string' || typeof fields.password !== 'string') return sendErrorReply(reply, LOGIN_JWT_REFUSALS.badRequest);
      await limit(deps, req, 'login');
      try {
        return { token: (await deps.auth.login(fields.username, fields.password)).accessToken };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'UNAUTHENTICATED') return sendErrorReply(reply, LOGIN_JWT_REFUSALS.invalidCredentials);
        throw err;
      }
    });
  };
}

/** Behind the JWT hook: the caller's profile and logout (docs/sudevwa-api.md §2.3). */
export function accountRoutes(deps: RestDeps) {
  return async (app: FastifyInstance) => {
    app.get('/me', async (req) => ok('User profile retrieved', userObject(await deps.auth.me(caller(req).principal))));

    app.post('/logout', { config: { legacy: { bindCode: 'BAD_REQUEST' } } }, async (req) => {
      const token = text(req, body(req), 'refresh_token');
      if (!token) throw RestError.of(400, 'Refresh token is required', 'MISSING_TOKEN');
      await deps.auth.logout(token);
      return ok('Logged out successfully');
    });

    // Era A/B: "is my token still good?".
    app.get('/validate', async (req) => {
      const me = await deps.auth.me(caller(req).principal);
      return { success: true, message: 'Token is valid', username: me.username };
    });
  };
}
