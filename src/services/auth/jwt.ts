import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface AccessClaims {
  sub: string;
  role: string;
  /** The login session (refresh-token family) the token was issued for; absent on tokens from before sessions were bound. */
  sid?: string;
  jti: string;
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * HS256 only. The algorithm is pinned: a token whose header names anything else (`none`, RS256 for
 * key confusion, …) is refused before its signature is even looked at.
 */
export function signAccessToken(secret: Buffer, claims: { sub: string; role: string; sid?: string }, ttlSeconds: number, now = Date.now()): { token: string; expiresAt: Date } {
  const iat = Math.floor(now / 1000);
  const payload: AccessClaims = { ...claims, jti: randomUUID(), iat, exp: iat + ttlSeconds };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = createHmac('sha256', secret).update(body).digest('base64url');
  return { token: `${body}.${signature}`, expiresAt: new Date(payload.exp * 1000) };
}

export type VerifyFailure = 'malformed' | 'algorithm' | 'signature' | 'expired';

export function verifyAccessToken(secret: Buffer, token: string, now = Date.now()): { ok: true; claims: AccessClaims } | { ok: false; reason: VerifyFailure } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];
  let parsedHeader: { alg?: unknown; typ?: unknown };
  let claims: AccessClaims;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsedHeader.alg !== 'HS256') return { ok: false, reason: 'algorithm' };
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.role !== 'string') return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/**
 * `verifyAccessToken` with a memory of the tokens it accepted. A client sends the same token with
 * every request until it expires, and its HMAC and two JSON parses were a few percent of the CPU of
 * a simple query. Only acceptances are kept, keyed by the whole token (one changed byte is another
 * key), and the expiry is checked on every call. Bounded: the oldest acceptance goes first.
 */
export class AccessTokenVerifier {
  private readonly secret: Buffer;
  private readonly max: number;
  private readonly accepted = new Map<string, AccessClaims>();

  constructor(secret: Buffer, max = 1_000) {
    this.secret = secret;
    this.max = max;
  }

  verify(token: string, now = Date.now()): ReturnType<typeof verifyAccessToken> {
    const known = this.accepted.get(token);
    if (known) {
      if (known.exp * 1000 > now) return { ok: true, claims: known };
      this.accepted.delete(token);
      return { ok: false, reason: 'expired' };
    }
    const result = verifyAccessToken(this.secret, token, now);
    if (result.ok) {
      this.accepted.set(token, Object.freeze(result.claims));
      // A Map iterates in insertion order: the first key is the oldest.
      if (this.accepted.size > this.max) this.accepted.delete(this.accepted.keys().next().value!);
    }
    return result;
  }
}
