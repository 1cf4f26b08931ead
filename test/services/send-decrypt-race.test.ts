import { addTransactionCapability, Curve, generateSignalPubKey, makeCacheableSignalKeyStore } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SignalParty } from '../../src/sandbox/signal-party.ts';
import { InboundKeyHold } from '../../src/services/instances/inbound-key-hold.ts';
import { TtlCache } from '../../src/services/instances/session-memory.ts';
import { guardedSignalRepository } from '../../src/services/instances/signal-guard.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// KNOWN BUG, pinned with `it.fails` (remove `.fails` once fixed): Baileys runs a send in a key
// transaction keyed by the account (`relayMessage`, `meId`) and a decryption in one keyed by the
// sender, each with its own snapshot of the session record. A send sealed while the contact's
// message that starts a new session is being decrypted uses the old session (the contact fails it:
// "No matching sessions", Bad MAC), and its commit puts the old record back over the new one, so
// the next sends fail too until a retry receipt with a key bundle starts yet another session. Bare
// Baileys (in-memory keys) does the same; the database key store widens the window: the failed first
// tries after a reset-session in the fault bench (README, Benchmarks).
const logger = pino({ level: 'silent' });
const PHONE_JID = '15550370001@s.whatsapp.net';
const COMPANION = '15550370002_1.1';

describe('a send that crosses the contact’s new session', () => {
  it.fails('is sealed on the new session, and the session survives both commits', async () => {
    const { state, creds } = memoryAuthState();
    const hold = new InboundKeyHold(state.keys);
    const keys = addTransactionCapability(makeCacheableSignalKeyStore(hold.store, logger), logger, { maxCommitRetries: 3, delayBetweenTriesMs: 10 });
    const repo = guardedSignalRepository({ decrypted: new TtlCache(60_000, 100), hold })({ creds, keys }, logger, async () => []);
    const phone = new SignalParty();
    const b = phone.takeBundle();
    await repo.injectE2ESession({
      jid: PHONE_JID,
      session: {
        registrationId: b.registrationId,
        identityKey: generateSignalPubKey(Buffer.from(b.identityKey)),
        signedPreKey: { keyId: b.signedPreKey.keyId, publicKey: generateSignalPubKey(Buffer.from(b.signedPreKey.publicKey)), signature: Buffer.from(b.signedPreKey.signature) },
        preKey: { keyId: b.preKey!.keyId, publicKey: generateSignalPubKey(Buffer.from(b.preKey!.publicKey)) },
      },
    });
    const first = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('hello') });
    await phone.decrypt(COMPANION, first.type, first.ciphertext);
    const reply = await phone.encrypt(COMPANION, Buffer.from('hello back'));
    await repo.decryptMessage({ jid: PHONE_JID, type: 'msg', ciphertext: reply.ciphertext });
    await hold.release();

    // The phone loses its sessions and writes first: a pkmsg on a new session from our bundle.
    phone.forgetSessions();
    const preKey = Curve.generateKeyPair();
    await keys.set({ 'pre-key': { '901': preKey } });
    const bundle = {
      registrationId: creds.registrationId,
      identityKey: creds.signedIdentityKey.public,
      signedPreKey: { keyId: creds.signedPreKey.keyId, publicKey: creds.signedPreKey.keyPair.public, signature: creds.signedPreKey.signature },
      preKey: { keyId: 901, publicKey: preKey.public },
    };
    const fresh = await phone.encrypt(COMPANION, Buffer.from('on a new session'), () => bundle);
    expect(fresh.type).toBe('pkmsg');

    // It is decrypted (in the sender's transaction) while a send to the phone runs in the account's.
    const [plain, crossing] = await Promise.all([
      repo.decryptMessage({ jid: PHONE_JID, type: 'pkmsg', ciphertext: fresh.ciphertext }),
      keys.transaction(() => repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('crossing') }), 'me'),
    ]);
    await hold.release();
    expect(Buffer.from(plain).toString()).toBe('on a new session');
    const next = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('after both') });
    expect((await phone.decrypt(COMPANION, next.type, next.ciphertext)).toString()).toBe('after both');
    expect((await phone.decrypt(COMPANION, crossing.type, crossing.ciphertext)).toString()).toBe('crossing');
  });
});
