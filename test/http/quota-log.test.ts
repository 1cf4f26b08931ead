import { describe, expect, it } from 'vitest';
import { RateLimits } from '../../src/http/rate-limits.ts';
import { MemoryQuotaLog } from '../../src/http/rate-limit-store.ts';

const MINUTE = 60_000;

describe('the operation quotas in memory', () => {
  it('refuse the call past the quota within a sliding window, refused calls counted', () => {
    const log = new MemoryQuotaLog();
    const t0 = 1_000_000;
    expect([0, 10, 20].map((dt) => log.take('instance:a:send', 3, MINUTE, t0 + dt))).toEqual([false, false, false]);
    expect(log.take('instance:a:send', 3, MINUTE, t0 + 30)).toBe(true);
    // Another key has a quota of its own.
    expect(log.take('instance:b:send', 3, MINUTE, t0 + 30)).toBe(false);
    // The first call left the window; the refused one at +30 still counts, as graphql-rate-limit counted it.
    expect(log.take('instance:a:send', 3, MINUTE, t0 + MINUTE)).toBe(true);
    // Past the calls at +10 and +20 (window ends exclusive): room again.
    expect(log.take('instance:a:send', 3, MINUTE, t0 + 20 + MINUTE)).toBe(false);
    expect(log.take('instance:a:send', 3, MINUTE, t0 + 20 + MINUTE)).toBe(true);
  });

  it('decide the same over many calls as counting every call of the window would', () => {
    const log = new MemoryQuotaLog();
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 5_000; i++) {
      t += (i * 7919) % 97; // uneven gaps, bursts and lulls
      const inWindow = times.filter((s) => s + 1_000 > t).length;
      expect(log.take('k', 25, 1_000, t)).toBe(inWindow >= 25);
      times.push(t);
    }
  });

  it('keep at most maxKeys keys, the expired first, then the least recently used', () => {
    const log = new MemoryQuotaLog(2);
    log.take('old', 1, MINUTE, 0);
    log.take('used', 1, MINUTE, MINUTE);
    log.take('new', 1, MINUTE, MINUTE + 1);
    expect(log.size).toBe(2);
    // 'old' expired and went: 'used' is still over its quota.
    expect(log.take('used', 1, MINUTE, MINUTE + 2)).toBe(true);
    log.take('newer', 1, MINUTE, MINUTE + 3);
    // All live: the least recently used ('new') went.
    expect(log.take('new', 1, MINUTE, MINUTE + 4)).toBe(false);
  });

  it('count calls made together one by one', async () => {
    const limits = new RateLimits({ http: { perSecond: 10, burst: 10 }, loginPerMinute: 5, sendPerMinute: 5, checkNumbersPerMinute: 5, redisUrl: undefined });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => limits.consume('send', 'instance:together')));
      expect(answers.filter((a) => a === null)).toHaveLength(5);
    } finally {
      await limits.close();
    }
  });
});
