/** What an `Authorization` header holds. */
export type BearerHeader = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** `Bearer <token>` (scheme case-insensitive, as RFC 7235 says); anything else non-empty is malformed. */
export function parseBearer(header: unknown): BearerHeader {
  if (typeof header !== 'string' || !header.trim()) return { kind: 'none' };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? { kind: 'token', token: match[1]! } : { kind: 'malformed' };
}
