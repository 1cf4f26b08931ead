import { describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../src/services/instances/session-health.ts';

const policy = { ackTimeoutMs: 1_000, decryptFailures: 3, decryptWindowMs: 10_000 };

describe('HealthMonitor', () => {
  it('asks for a reconnect when a send has no server ack in time, and is OK again once connected', () => {
    const m = new HealthMonitor(policy, 0);
    m.sent('A', 0);
    m.sent('B', 100);
    m.acked('A');
    expect(m.check(900)).toEqual({ action: 'none' });
    const verdict = m.check(1_200);
    expect(verdict).toMatchObject({ action: 'reconnect' });
    expect(m.health).toMatchObject({ state: 'DEGRADED', reason: expect.stringContaining('message B') });
    // Acks the dead socket owed never come: the new socket starts clean.
    m.connected(1_500);
    expect(m.health.state).toBe('OK');
    expect(m.check(5_000)).toEqual({ action: 'none' });
  });

  it('resets the session of a contact whose messages keep failing to decrypt, healed by its next good message', () => {
    const m = new HealthMonitor(policy, 0);
    expect(m.decryptFailed('x@s.whatsapp.net', 0)).toEqual({ action: 'none' });
    // Failures older than the window do not count.
    expect(m.decryptFailed('x@s.whatsapp.net', 20_000)).toEqual({ action: 'none' });
    expect(m.decryptFailed('y@s.whatsapp.net', 20_001)).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 21_000)).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 22_000)).toMatchObject({ action: 'reset-session', jid: 'x@s.whatsapp.net' });
    expect(m.health).toMatchObject({ state: 'DEGRADED', reason: expect.stringContaining('x@s.whatsapp.net') });
    m.decrypted('y@s.whatsapp.net', 23_000);
    expect(m.health.state).toBe('DEGRADED');
    m.decrypted('x@s.whatsapp.net', 24_000);
    expect(m.health).toMatchObject({ state: 'OK', reason: null, since: new Date(24_000) });
  });
});
