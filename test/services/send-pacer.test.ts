import { describe, expect, it } from 'vitest';
import { SendPacer, type PacingClock, type PacingOptions } from '../../src/services/messaging/index.ts';

/** A clock the test moves by hand, and jitter it chooses. */
function pacerAt(options: PacingOptions, random = 0): { pacer: SendPacer; clock: PacingClock & { t: number; r: number } } {
  const clock = { t: 1_000_000, r: random, now: () => clock.t, random: () => clock.r };
  return { pacer: new SendPacer(options, clock), clock };
}

describe('SendPacer', () => {
  it('spaces an instance\'s sends by 60 s / SEND_RATE_PER_MINUTE, each instance on its own', () => {
    const { pacer, clock } = pacerAt({ ratePerMinute: 60, jitterMs: 0, minGapPerRecipientMs: 0 });
    expect(pacer.waitMs('a', 'x@s.whatsapp.net')).toBe(0);
    pacer.sent('a', 'x@s.whatsapp.net');
    expect(pacer.waitMs('a', 'y@s.whatsapp.net')).toBe(1_000);
    expect(pacer.waitMs('b', 'y@s.whatsapp.net')).toBe(0);
    clock.t += 400;
    expect(pacer.waitMs('a', 'y@s.whatsapp.net')).toBe(600);
    clock.t += 600;
    expect(pacer.waitMs('a', 'y@s.whatsapp.net')).toBe(0);
  });

  it('adds jitter in [0, SEND_JITTER_MS] on top of the gap, never less than the gap', () => {
    const low = pacerAt({ ratePerMinute: 60, jitterMs: 500, minGapPerRecipientMs: 0 }, 0);
    low.pacer.sent('a', 'x');
    expect(low.pacer.waitMs('a', 'y')).toBe(1_000);
    const high = pacerAt({ ratePerMinute: 60, jitterMs: 500, minGapPerRecipientMs: 0 }, 0.999_999);
    high.pacer.sent('a', 'x');
    expect(high.pacer.waitMs('a', 'y')).toBe(1_500);
    const mid = pacerAt({ ratePerMinute: 120, jitterMs: 1_000, minGapPerRecipientMs: 0 }, 0.25);
    mid.pacer.sent('a', 'x');
    expect(mid.pacer.waitMs('a', 'y')).toBe(500 + 250);
  });

  it('keeps SEND_MIN_GAP_PER_RECIPIENT_MS between two sends to one chat, while other chats go at the instance rate', () => {
    const { pacer, clock } = pacerAt({ ratePerMinute: 600, jitterMs: 0, minGapPerRecipientMs: 5_000 });
    pacer.sent('a', 'x');
    expect(pacer.waitMs('a', 'y')).toBe(100);
    expect(pacer.waitMs('a', 'x')).toBe(5_000);
    clock.t += 100;
    pacer.sent('a', 'y');
    clock.t += 100;
    expect(pacer.waitMs('a', 'z')).toBe(0);
    expect(pacer.waitMs('a', 'x')).toBe(4_800);
    expect(pacer.waitMs('a', 'y')).toBe(4_900);
    clock.t += 4_800;
    expect(pacer.waitMs('a', 'x')).toBe(0);
    pacer.forget('a');
    expect(pacer.waitMs('a', 'y')).toBe(0);
  });
});
