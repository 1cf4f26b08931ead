import { afterEach, describe, expect, it, vi } from 'vitest';
import { SENT_RECENT, SessionMemory } from '../../src/services/instances/session-memory.ts';

const sent = (i: number) => ({ chat: '15550000001@s.whatsapp.net', message: { conversation: `message ${i}` } });

describe('what a session remembers of its sends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds only the recent sends when storage has them all, and forgets them after a while', () => {
    vi.useFakeTimers();
    const memory = new SessionMemory({ storedSends: true });
    for (let i = 0; i <= SENT_RECENT.max; i++) memory.rememberSent(`id-${i}`, sent(i));
    // The oldest went first; storage answers for it (WhatsAppSession.sentBefore).
    expect(memory.sentMessage('id-0')).toBeUndefined();
    expect(memory.sentMessage('id-1')).toEqual(sent(1));
    expect(memory.sentMessage(`id-${SENT_RECENT.max}`)).toEqual(sent(SENT_RECENT.max));
    vi.advanceTimersByTime(SENT_RECENT.ttlMs + 1);
    expect(memory.sentMessage(`id-${SENT_RECENT.max}`)).toBeUndefined();
  });

  it('holds a day of sends, up to 5,000, when nothing else has them (MESSAGE_LEDGER=off)', () => {
    vi.useFakeTimers();
    const memory = new SessionMemory({ storedSends: false });
    for (let i = 0; i < 5_000; i++) memory.rememberSent(`id-${i}`, sent(i));
    expect(memory.sentMessage('id-0')).toEqual(sent(0));
    vi.advanceTimersByTime(23 * 60 * 60_000);
    expect(memory.sentMessage('id-4999')).toEqual(sent(4999));
    memory.rememberSent('id-5000', sent(5000));
    expect(memory.sentMessage('id-0')).toBeUndefined();
  });
});
