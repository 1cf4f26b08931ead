import { addTransactionCapability, generateSignalPubKey, makeCacheableSignalKeyStore, type SignalRepositoryWithLIDStore } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SignalParty } from '../../src/sandbox/signal-party.ts';
import { InboundKeyHold } from '../../src/services/instances/inbound-key-hold.ts';
import { SessionRecords } from '../../src/services/instances/session-records.ts';
import { TtlCache } from '../../src/services/instances/session-memory.ts';
import { guardedSignalRepository } from '../../src/services/instances/signal-guard.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// The gateway's Signal repository (Baileys' own, behind the guards wamux installs) against a full
// Signal party playing the contact's phone (the sandbox's, libsignal as well).
const logger = pino({ level: 'silent' });
const PHONE_JID = '15550350001@s.whatsapp.net';
const COMPANION = '15550350002_1.1';

function companionRepository(decrypted = new TtlCache(60_000, 100)): { repo: SignalRepositoryWithLIDStore; hold: InboundKeyHold } {
  const { state } = memoryAuthState();
  const hold = new InboundKeyHold(state.keys);
  const sessions = new SessionRecords(makeCacheableSignalKeyStore(hold.store, logger));
  const keys = addTransactionCapability(sessions.store, logger, { maxCommitRetries: 3, delayBetweenTriesMs: 10 });
  const make = guardedSignalRepository({ decrypted, hold, sessions });
  return { repo: make({ creds: state.creds, keys }, logger, async () => []), hold };
}

/** The phone's key bundle as the companion gets it from WhatsApp (a key fetch, or a retry receipt). */
function bundleOf(phone: SignalParty) {
  const b = phone.takeBundle();
  return {
    registrationId: b.registrationId,
    identityKey: generateSignalPubKey(Buffer.from(b.identityKey)),
    signedPreKey: { keyId: b.signedPreKey.keyId, publicKey: generateSignalPubKey(Buffer.from(b.signedPreKey.publicKey)), signature: Buffer.from(b.signedPreKey.signature) },
    preKey: { keyId: b.preKey!.keyId, publicKey: generateSignalPubKey(Buffer.from(b.preKey!.publicKey)) },
  };
}

describe('the Signal repository keeps sessions a message was only tried on', () => {
  it("a phone's message on an older session leaves the newer one the companion sends on intact", async () => {
    const phone = new SignalParty();
    const { repo, hold } = companionRepository();
    const decrypt = async (type: string, ciphertext: Uint8Array) => {
      const plain = await repo.decryptMessage({ jid: PHONE_JID, type: type as 'msg' | 'pkmsg', ciphertext });
      await hold.release();
      return Buffer.from(plain).toString();
    };
    await repo.injectE2ESession({ jid: PHONE_JID, session: bundleOf(phone) });
    const first = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('hello') });
    expect(first.type).toBe('pkmsg');
    await phone.decrypt(COMPANION, first.type, first.ciphertext);
    const reply = await phone.encrypt(COMPANION, Buffer.from('hello back'));
    expect(await decrypt(reply.type, reply.ciphertext)).toBe('hello back');

    // A forced key fetch (Baileys makes one at each reconnect and for each retry it answers): a new
    // session, the one the companion now sends on, which the phone has not seen yet.
    await repo.injectE2ESession({ jid: PHONE_JID, session: bundleOf(phone) });
    // Meanwhile the phone writes on the session it knows: Baileys tries the newest session first.
    const late = await phone.encrypt(COMPANION, Buffer.from('on the session the phone knows'));
    expect(late.type).toBe('msg');
    expect(await decrypt(late.type, late.ciphertext)).toBe('on the session the phone knows');

    const next = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('on the new session') });
    expect(next.type).toBe('pkmsg');
    expect((await phone.decrypt(COMPANION, next.type, next.ciphertext)).toString()).toBe('on the new session');
  });
});

describe('a message delivered again is decrypted once', () => {
  it('a copy that comes while the first is still decrypting gets the same plaintext', async () => {
    // WhatsApp delivers an unanswered message again at the next login, and the socket that died may
    // still be decrypting the first copy (its key reads wait on the database): both run at once.
    const phone = new SignalParty();
    const { repo, hold } = companionRepository();
    await repo.injectE2ESession({ jid: PHONE_JID, session: bundleOf(phone) });
    const first = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('hello') });
    await phone.decrypt(COMPANION, first.type, first.ciphertext);
    const sent = await phone.encrypt(COMPANION, Buffer.from('delivered twice'));
    expect(sent.type).toBe('msg');
    const copies = await Promise.all([0, 1].map(() => repo.decryptMessage({ jid: PHONE_JID, type: 'msg', ciphertext: sent.ciphertext })));
    await hold.release();
    expect(copies.map((p) => Buffer.from(p).toString())).toEqual(['delivered twice', 'delivered twice']);
  });

  it('keeps the plaintext for a later copy in memory of its own, not in a slab of the shared buffer pool', async () => {
    const phone = new SignalParty();
    // What the guard caches: the decryption in progress, then its result.
    const cached: unknown[] = [];
    const decrypted = new (class extends TtlCache {
      override set<T>(key: string, value: T): void {
        cached.push(value);
        super.set(key, value);
      }
    })(60_000, 100);
    const { repo, hold } = companionRepository(decrypted);
    await repo.injectE2ESession({ jid: PHONE_JID, session: bundleOf(phone) });
    const first = await repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from('hello') });
    await phone.decrypt(COMPANION, first.type, first.ciphertext);
    const sent = await phone.encrypt(COMPANION, Buffer.from('kept for an hour'));
    const plain = await repo.decryptMessage({ jid: PHONE_JID, type: 'msg', ciphertext: sent.ciphertext });
    await hold.release();
    // libsignal's plaintext is a view into a pool slab (Buffer.concat): cached as it is, it would keep the slab.
    expect(plain.buffer.byteLength).toBeGreaterThan(plain.byteLength);
    const kept = cached.at(-1) as Uint8Array;
    expect(Buffer.from(kept!).toString()).toBe('kept for an hour');
    expect(kept!.buffer.byteLength).toBe(kept!.byteLength);
    // The copy is what a later delivery gets.
    const again = await repo.decryptMessage({ jid: PHONE_JID, type: 'msg', ciphertext: sent.ciphertext });
    expect(Buffer.from(again).toString()).toBe('kept for an hour');
  });
});
