import { createHash, randomBytes } from 'node:crypto';

/** Refresh tokens and API keys: 256 random bits with a recognisable prefix; only a SHA-256 is stored. */
export function newOpaqueToken(prefix: 'wmx_rt' | 'wmx_key'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const isApiKey = (token: string) => token.startsWith('wmx_key_');
