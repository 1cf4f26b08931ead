import { describe, expect, it } from 'vitest';
import { backoffDelay, decideReconnect } from '../../src/services/instances/reconnect-policy.ts';

const creds = { hasCreds: true };
const mid = () => 0.5; // no jitter

describe('decideReconnect', () => {
  it('restarts at once on 515', () => expect(decideReconnect(515, 1, creds)).toEqual({ action: 'restart' }));
  it('stops as LOGGED_OUT on 401', () => expect(decideReconnect(401, 1, creds)).toMatchObject({ action: 'stop', status: 'LOGGED_OUT' }));
  it.each([403, 440, 411])('stops as DISCONNECTED on %i, saying why', (code) => {
    const d = decideReconnect(code, 1, creds);
    expect(d).toMatchObject({ action: 'stop', status: 'DISCONNECTED' });
    expect((d as { reason: string }).reason).toContain(String(code));
  });
  it('gives up on an unscanned QR (408 without creds) but retries a 408 with creds', () => {
    expect(decideReconnect(408, 1, { hasCreds: false })).toMatchObject({ action: 'stop', status: 'DISCONNECTED' });
    expect(decideReconnect(408, 1, creds, undefined, mid)).toEqual({ action: 'retry', delayMs: 250 });
  });
  it.each([428, 500, 503, undefined])('retries transient closes (%s) with backoff', (code) => {
    expect(decideReconnect(code, 3, creds, undefined, mid)).toEqual({ action: 'retry', delayMs: 1000 });
  });
});

describe('backoffDelay', () => {
  const opts = { baseMs: 1000, maxMs: 60_000, jitter: 0.3 };
  it('doubles per attempt and caps', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((a) => backoffDelay(a, opts, mid))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  });
  it('spreads by the jitter share in both directions', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(2800);
    expect(backoffDelay(3, opts, () => 1)).toBe(5200);
  });
});
