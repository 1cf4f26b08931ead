import { type WAMessage, WAMessageStubType, type WASocket } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import { HealthMonitor, type SessionHealth } from '../../src/services/instances/session-health.ts';
import { SessionHealthKeeper } from '../../src/services/instances/session-health-keeper.ts';
import { createLogger } from '../../src/services/shared/index.ts';

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

  it('does not count again the copies of messages that failed before the contact decrypted', () => {
    const m = new HealthMonitor(policy, 0);
    // A message and the copy answering our first retry fail; the second copy decrypts.
    expect(m.decryptFailed('x@s.whatsapp.net', 0, 'A')).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 1, 'B')).toEqual({ action: 'none' });
    m.decrypted('x@s.whatsapp.net', 2);
    // B's copy sent again on the old session is late, not news.
    expect(m.decryptFailed('x@s.whatsapp.net', 3, 'B')).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 4, 'C')).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 5, 'C')).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 6, 'D')).toMatchObject({ action: 'reset-session' });
  });

  it('re-establishes a session once per window: what the contact sealed on the old one fails meanwhile', () => {
    const m = new HealthMonitor(policy, 0);
    for (const t of [0, 1, 2]) m.decryptFailed('x@s.whatsapp.net', t);
    for (const t of [100, 200, 300, 9_000]) expect(m.decryptFailed('x@s.whatsapp.net', t)).toEqual({ action: 'none' });
    expect(m.health.state).toBe('DEGRADED');
    // Still failing a whole window later: once more.
    for (const t of [10_002, 10_003]) expect(m.decryptFailed('x@s.whatsapp.net', t)).toEqual({ action: 'none' });
    expect(m.decryptFailed('x@s.whatsapp.net', 10_004)).toMatchObject({ action: 'reset-session' });
  });
});

describe('HealthMonitor, retry receipts for what we sent', () => {
  it('counts each message once however many retries its recipient asks, and heals at its next delivery', () => {
    const m = new HealthMonitor(policy, 0);
    for (const t of [0, 1, 2, 3]) expect(m.retryAsked('x@s.whatsapp.net', 'A', t)).toEqual({ action: 'none' });
    expect(m.retryAsked('x@s.whatsapp.net', 'B', 4)).toEqual({ action: 'none' });
    // A message from the contact that decrypts says nothing about what it can read of ours.
    m.decrypted('x@s.whatsapp.net', 5);
    expect(m.retryAsked('x@s.whatsapp.net', 'C', 6)).toMatchObject({ action: 'reset-session', jid: 'x@s.whatsapp.net', reason: expect.stringContaining('3 messages to x@s.whatsapp.net') });
    expect(m.health.state).toBe('DEGRADED');
    m.delivered('x@s.whatsapp.net', 7);
    expect(m.health).toMatchObject({ state: 'OK', reason: null });
  });
});

describe('SessionHealthKeeper reading Baileys upserts', () => {
  const PN = '15550000001@s.whatsapp.net';
  const LID = '99990000001@lid';
  const failed = (id: string, remoteJid: string, reason = 'No matching sessions found for message', remoteJidAlt?: string) =>
    ({ key: { remoteJid, remoteJidAlt, fromMe: false, id, participant: '' }, messageStubType: WAMessageStubType.CIPHERTEXT, messageStubParameters: [reason] }) as unknown as WAMessage;
  const decrypted = (id: string, remoteJid: string, remoteJidAlt?: string) =>
    ({ key: { remoteJid, remoteJidAlt, fromMe: false, id, participant: '' }, message: { conversation: 'hi' } }) as unknown as WAMessage;

  /** Baileys' socket as far as re-establishing a session goes: what the keeper asked of it. */
  function socket() {
    const calls: string[] = [];
    const sock = {
      signalRepository: { deleteSession: async (jids: string[]) => void calls.push(`delete ${jids.join(',')}`) },
      assertSessions: async (jids: string[], force: boolean) => void calls.push(`assert ${jids.join(',')} ${force}`),
    } as unknown as WASocket;
    return { sock, calls };
  }

  it('counts 1:1 failures (Baileys leaves participant empty), re-establishes the session under both JIDs, heals under either', async () => {
    const healths: SessionHealth[] = [];
    const keeper = new SessionHealthKeeper({ log: createLogger('silent'), policy: { decryptFailures: 2 }, onHealth: (h) => healths.push(h) });
    const { sock, calls } = socket();
    keeper.watchDecrypts(sock, [failed('A', LID, undefined, PN), failed('B', LID, undefined, PN)]);
    expect(keeper.health).toMatchObject({ state: 'DEGRADED', reason: expect.stringContaining(LID) });
    await vi.waitFor(() => expect(calls).toEqual([`delete ${LID},${PN}`, `assert ${LID} true`]));
    // The next good message comes addressed by phone number, naming the LID as its alternative.
    keeper.watchDecrypts(sock, [decrypted('C', PN, LID)]);
    expect(keeper.health.state).toBe('OK');
    expect(healths.map((h) => h.state)).toEqual(['DEGRADED', 'OK']);
  });

  it('does not count a stanza without ciphertext (a placeholder) as a broken session', () => {
    const keeper = new SessionHealthKeeper({ log: createLogger('silent'), policy: { decryptFailures: 1 } });
    keeper.watchDecrypts(socket().sock, [failed('A', PN, 'Message absent from node')]);
    expect(keeper.health.state).toBe('OK');
    keeper.watchDecrypts(socket().sock, [failed('B', PN, 'Bad MAC')]);
    expect(keeper.health.state).toBe('DEGRADED');
  });
});
