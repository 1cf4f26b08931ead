import { parseBearer, type AuthService, type Principal } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';

/** SUDEVWA's error body: `{success:false, message, error?:{code, details?}}`. */
export interface LegacyErrorBody {
  success: false;
  message: string;
  error?: { code: string; details?: string };
}

export type LegacyAuthResult = { ok: true; principal: Principal | null } | { ok: false; status: number; body: LegacyErrorBody };

const fail = (status: number, message: string, code: string): LegacyAuthResult => ({ ok: false, status, body: { success: false, message, error: { code } } });

/**
 * Who is calling, with SUDEVWA's JWT-middleware answers (401 UNAUTHORIZED, INVALID_AUTH_HEADER,
 * INVALID_TOKEN). The token is `Authorization: Bearer …` or, for browsers that cannot set headers
 * on a WebSocket, `?token=`. A JWT access token or an API key. `optional`: no credential is fine.
 */
export async function authenticateLegacy(
  auth: AuthService,
  input: { authorization: string | undefined; queryToken: string | null },
  optional = false,
): Promise<LegacyAuthResult> {
  let token: string | undefined;
  const bearer = parseBearer(input.authorization);
  if (bearer.kind === 'malformed') return fail(401, 'Invalid authorization header format', 'INVALID_AUTH_HEADER');
  if (bearer.kind === 'token') token = bearer.token;
  else if (input.queryToken) token = input.queryToken.trim();
  if (!token) return optional ? { ok: true, principal: null } : fail(401, 'Unauthorized', 'UNAUTHORIZED');
  try {
    return { ok: true, principal: await auth.authenticate(token) };
  } catch (err) {
    if (err instanceof DomainError && err.code === 'UNAUTHENTICATED') return fail(401, 'Invalid or expired token', 'INVALID_TOKEN');
    throw err;
  }
}
