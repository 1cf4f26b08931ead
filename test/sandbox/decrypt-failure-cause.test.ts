import { describe, expect, it } from 'vitest';
import { Phone } from '../../src/sandbox/accounts.ts';
import { NetworkStats } from '../../src/sandbox/stats.ts';

// After a phone lost its sessions, a companion's message sealed on the old one fails. The fault
// bench counts that apart (WhatsApp fails it too) only while the companion could not know: once it
// acknowledged a message the phone sent since (on the phone's new session), it knew.
const sent = (sentAt: number) => ({ to: '15550360002', message: { conversation: 'hi' }, t: String(Math.floor(sentAt / 1000)), type: 'text', sentAt });

describe('a failed decrypt after a session loss', () => {
  const failure = { phone: '15550360001', sender: '15550360002', senderDevice: 3, id: 'M1', type: 'msg', retryCount: 0 };

  it('counts as session-lost while the device has not acknowledged a message the phone sent since', () => {
    const phone = new Phone({ phoneNumber: '15550360001', lid: '100000000360001', pushName: 'P' });
    const loss = { kind: 'reset-session' as const, at: Date.now() - 1_000 };
    phone.rememberSent('OLD', sent(loss.at - 10));
    phone.rememberSent('X', sent(loss.at + 5));
    phone.record(phone.receipts, { messageId: 'OLD', from: '15550360002', fromDevice: 3, type: 'delivery', timestamp: loss.at - 5 });
    // Another device of the account had the phone's new session; and a receipt after the loss for a
    // message sent before it (on the old session: an instance back from offline acks its backlog).
    phone.record(phone.receipts, { messageId: 'X', from: '15550360002', fromDevice: 4, type: 'delivery', timestamp: loss.at + 10 });
    phone.record(phone.receipts, { messageId: 'OLD', from: '15550360002', fromDevice: 3, type: 'read', timestamp: loss.at + 20 });
    const stats = new NetworkStats();
    stats.phoneDecryptFailed({ ...failure, loss, newSessionAckedAt: phone.heardFromSince('15550360002', 3, loss.at) }, new Error('No session record'));
    expect(stats.decryptFailureLog[0]).toMatchObject({ cause: 'session-lost', loss });
    expect(stats.phoneSessionLostFailures.get('15550360002')).toBe(1);
  });

  it('is unexplained once the device acknowledged a message the phone sent it after the loss', () => {
    const phone = new Phone({ phoneNumber: '15550360001', lid: '100000000360001', pushName: 'P' });
    const loss = { kind: 'reset-session' as const, at: Date.now() - 1_000 };
    phone.rememberSent('NEW', sent(loss.at + 100));
    phone.record(phone.receipts, { messageId: 'NEW', from: '15550360002', fromDevice: 3, type: 'delivery', timestamp: loss.at + 500 });
    phone.record(phone.receipts, { messageId: 'NEW', from: '15550360002', fromDevice: 3, type: 'read', timestamp: loss.at + 700 });
    const acked = phone.heardFromSince('15550360002', 3, loss.at);
    expect(acked).toBe(loss.at + 500);
    const stats = new NetworkStats();
    stats.phoneDecryptFailed({ ...failure, loss, newSessionAckedAt: acked }, new Error('No matching sessions found for message'));
    expect(stats.decryptFailureLog[0]).toMatchObject({ cause: 'unexplained', loss, newSessionAckedAt: loss.at + 500 });
    expect(stats.phoneSessionLostFailures.get('15550360002')).toBeUndefined();
  });
});
