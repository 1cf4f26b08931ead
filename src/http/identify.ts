import type { IncomingHttpHeaders } from 'node:http';
import { parseBearer, type AuthService, type Principal } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';

export interface Caller {
  principal: Principal | null;
  /** Why a presented credential was refused (malformed, expired, revoked), so the error can say so. */
  authError: DomainError | null;
}

/** `Bearer <jwt | api key>` → who is calling; a bad credential is remembered so the error can say why. */
export async function identify(auth: AuthService, header: unknown): Promise<Caller> {
  const bearer = parseBearer(header);
  if (bearer.kind === 'none') return { principal: null, authError: null };
  if (bearer.kind === 'malformed') return { principal: null, authError: new DomainError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"') };
  try {
    return { principal: await auth.authenticate(bearer.token), authError: null };
  } catch (err) {
    if (err instanceof DomainError) return { principal: null, authError: err };
    throw err;
  }
}

/**
 * `http(s)://host[:port]` as the caller reached us (a proxy's X-Forwarded-Proto/-Host win), for
 * absolute links handed back to that same caller.
 */
export function baseUrlOf(headers: IncomingHttpHeaders, encrypted: boolean): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
  const proto = first(headers['x-forwarded-proto']) === 'https' || (encrypted && !headers['x-forwarded-proto']) ? 'https' : 'http';
  const host = first(headers['x-forwarded-host']) || headers.host || 'localhost';
  return `${proto}://${host}`;
}
