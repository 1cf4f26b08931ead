import type { IncomingHttpHeaders } from 'node:http';
import type { AuthFailure } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';

/**
 * wamux's own APIs (GraphQL and media downloads) answer a refused credential as UNAUTHENTICATED,
 * saying why; no credential at all is null here (GraphQL lets anonymous callers reach `login`).
 */
export function authError(failure: AuthFailure): DomainError | null {
  switch (failure.reason) {
    case 'missing':
      return null;
    case 'malformed':
      return new DomainError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
    case 'refused':
      return failure.error;
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
