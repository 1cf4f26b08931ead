import { addTransactionCapability, Curve, generateSignalPubKey, makeCacheableSignalKeyStore, type SignalRepositoryWithLIDStore } from '@whiskeysockets/baileys';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SignalParty } from '../../src/sandbox/signal-party.ts';
import { InboundKeyHold } from '../../src/services/instances/inbound-key-hold.ts';
import { SessionRecords } from '../../src/services/instances/session-records.ts';
import { TtlCache } from '../../src/services/instances/session-memory.ts';
import { guardedSignalRepository } from '../../src/services/instances/signal-guard.ts';
import { memoryAuthState } from '../helpers/memory-auth.ts';

// Baileys runs a send in a key transaction keyed by the account (`relayMessage`, `meId`) and a
// decryption in one keyed by the sender, each with its own snapshot of the session record. A send
// sealed while the contact's message that starts a new session is being decrypted used the old
// session (the contact fails it: "No matching sessions", Bad MAC), and its commit put the old record
// back over the new one, so the next sends failed too until a retry receipt with a key bundle started
// yet another session: the failed first tries after a reset-session in the fault bench (README,
// Benchmarks). Bare Baileys (in-memory keys) does the same. The gateway's stack (SessionRecords under
// and over Baileys' transactions, see session-records.ts) keeps the record in step.
const logger = pino({ level: 'silent' });
const PHONE_JID = '15550370001@s.whatsapp.net';
const COMPANION = '15550370002_1.1';

/** The gateway's key stack as WhatsAppSession builds it, with a session to the phone in use both ways. */
async function companionWithSession(phone: SignalParty) {
  const { state, creds } = memoryAuthState();
  const hold = new InboundKeyHold(state.keys);
  const sessions = new SessionRecords(makeCacheableSignalKeyStore(hold.store, logger));
  const keys = addTransactionCapability(sessions.store, logger, { maxCommitRetries: 3, delayBetweenTriesMs: 10 });
  const repo: SignalRepositoryWithLIDStore = guardedSignalRepository({ decrypted: new TtlCache(60_000, 100), hold, sessions })({ creds, keys }, logger, async () => []);
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

  /** The phone loses its sessions and writes first: a pkmsg on a new session from the companion's bundle. */
  const phoneResets = async () => {
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
    return fresh;
  };
  const decrypt = async (ciphertext: Uint8Array) => Buffer.from(await repo.decryptMessage({ jid: PHONE_JID, type: 'pkmsg', ciphertext })).toString();
  const encrypt = (text: string) => repo.encryptMessage({ jid: PHONE_JID, data: Buffer.from(text) });
  /** What the phone reads of a message the companion sealed. */
  const atPhone = async (sealed: { type: string; ciphertext: Uint8Array }) => (await phone.decrypt(COMPANION, sealed.type, sealed.ciphertext)).toString();
  /** The phone's pkmsg reached the instance's socket (what WhatsAppSession tells SessionRecords on `CB:message`). */
  const arrives = (id: string, ciphertext: Uint8Array) =>
    sessions.expectDecryption(repo, { tag: 'message', attrs: { from: PHONE_JID, id }, content: [{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: ciphertext }] });
  return { repo, keys, hold, arrives, phoneResets, decrypt, encrypt, atPhone };
}

describe('a send that crosses the contact’s new session', () => {
  it('is sealed on the new session, and the session survives both commits', async () => {
    const phone = new SignalParty();
    const { keys, hold, phoneResets, decrypt, encrypt, atPhone } = await companionWithSession(phone);
    const fresh = await phoneResets();

    // It is decrypted (in the sender's transaction) while a send to the phone runs in the account's.
    const [plain, crossing] = await Promise.all([decrypt(fresh.ciphertext), keys.transaction(() => encrypt('crossing'), 'me')]);
    await hold.release();
    expect(plain).toBe('on a new session');
    expect(await atPhone(await encrypt('after both'))).toBe('after both');
    expect(await atPhone(crossing)).toBe('crossing');
  });

  it('is sealed on the new session though its transaction read the record before', async () => {
    const phone = new SignalParty();
    const { repo, keys, hold, phoneResets, decrypt, encrypt, atPhone } = await companionWithSession(phone);
    const fresh = await phoneResets();

    // relayMessage checks the sessions (a read in its transaction) before it encrypts.
    const read = Promise.withResolvers<void>();
    const decrypted = Promise.withResolvers<void>();
    const send = keys.transaction(async () => {
      expect((await repo.validateSession(PHONE_JID)).exists).toBe(true);
      read.resolve();
      await decrypted.promise;
      return encrypt('crossing');
    }, 'me');
    await read.promise;
    expect(await decrypt(fresh.ciphertext)).toBe('on a new session');
    decrypted.resolve();
    const crossing = await send;
    await hold.release();
    expect(await atPhone(crossing)).toBe('crossing');
    expect(await atPhone(await encrypt('after both'))).toBe('after both');
  });

  it('sealed before the new session arrived, its later commit leaves the new session in place', async () => {
    const phone = new SignalParty();
    const { keys, hold, phoneResets, decrypt, encrypt, atPhone } = await companionWithSession(phone);
    const fresh = await phoneResets();

    const sealed = Promise.withResolvers<Awaited<ReturnType<typeof encrypt>>>();
    const decrypted = Promise.withResolvers<void>();
    const send = keys.transaction(async () => {
      sealed.resolve(await encrypt('too early'));
      await decrypted.promise; // the rest of the send (the server's ack), then the commit
    }, 'me');
    const early = await sealed.promise;
    expect(await decrypt(fresh.ciphertext)).toBe('on a new session');
    decrypted.resolve();
    await send;
    await hold.release();
    // Sealed on the session the phone lost: its retry receipt is what recovers it (as at WhatsApp).
    await expect(atPhone(early)).rejects.toThrow();
    expect(await atPhone(await encrypt('after both'))).toBe('after both');
  });

  it('made after the new session reached the socket, before its decryption began, waits for it', async () => {
    const phone = new SignalParty();
    const { keys, hold, arrives, phoneResets, decrypt, encrypt, atPhone } = await companionWithSession(phone);
    const fresh = await phoneResets();

    // Baileys decrypts a socket's messages one after another: this one waits while a send is made.
    arrives('A1', fresh.ciphertext);
    const sealing = Promise.withResolvers<void>();
    const send = keys.transaction(() => {
      sealing.resolve();
      return encrypt('crossing');
    }, 'me');
    await sealing.promise;
    expect(await decrypt(fresh.ciphertext)).toBe('on a new session');
    const crossing = await send;
    await hold.release();
    expect(await atPhone(crossing)).toBe('crossing');
    expect(await atPhone(await encrypt('after both'))).toBe('after both');
  });

  it('made while the new session waits unread in the socket, waits for it', async () => {
    const phone = new SignalParty();
    const { keys, hold, arrives, phoneResets, decrypt, encrypt, atPhone } = await companionWithSession(phone);
    const fresh = await phoneResets();
    // A real socket: its bytes are read only when the event loop polls, while a send whose every
    // step resolves at once (PGlite's statements, these in-memory keys) never gets there on its own.
    const arrived = Promise.withResolvers<void>();
    const server = createServer((conn) =>
      conn.once('data', () => {
        arrives('A2', fresh.ciphertext);
        arrived.resolve();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    try {
      await new Promise<void>((resolve) => client.write('pkmsg', () => resolve()));
      const send = keys.transaction(() => encrypt('crossing'), 'me');
      await arrived.promise;
      expect(await decrypt(fresh.ciphertext)).toBe('on a new session');
      const crossing = await send;
      await hold.release();
      expect(await atPhone(crossing)).toBe('crossing');
    } finally {
      client.destroy();
      server.close();
    }
  });
});
