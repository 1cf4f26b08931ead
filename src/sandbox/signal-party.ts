import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as LibSignal from 'libsignal';
import { Curve, generateRegistrationId, generateSignalPubKey, signedKeyPair, type KeyPair } from './wa.ts';

// libsignal is CommonJS; its named exports are not statically analysable from ESM.
const libsignal = createRequire(import.meta.url)('libsignal') as typeof LibSignal;

export interface SignedPreKey {
  keyId: number;
  keyPair: KeyPair;
  signature: Uint8Array;
}

/** What another party needs to start a Signal session with a device (`encrypt` `<key>` result). */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Uint8Array; // 32 bytes, no type prefix
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey?: { keyId: number; publicKey: Uint8Array };
}

export interface SignalPartyState {
  identity: KeyPair;
  registrationId: number;
  signedPreKey: SignedPreKey;
  preKeys: Record<number, KeyPair>;
  nextPreKeyId: number;
  /** address -> libsignal's serialised SessionRecord (a JSON-safe object, despite its typings). */
  sessions: Record<string, unknown>;
}

/**
 * A full Signal participant (a fake phone's device 0). Sessions live in memory as libsignal records
 * and are serialised only when the sandbox persists its state.
 */
export class SignalParty {
  readonly identity: KeyPair;
  readonly registrationId: number;
  signedPreKey: SignedPreKey;
  private readonly preKeys = new Map<number, KeyPair>();
  private nextPreKeyId: number;
  private readonly sessions = new Map<string, LibSignal.SessionRecord>();
  private readonly storage: LibSignal.SignalStorage;

  constructor(state?: SignalPartyState) {
    this.identity = state?.identity ?? Curve.generateKeyPair();
    this.registrationId = state?.registrationId ?? generateRegistrationId();
    this.signedPreKey = state?.signedPreKey ?? signedKeyPair(this.identity, 1);
    this.nextPreKeyId = state?.nextPreKeyId ?? 1;
    for (const [id, pair] of Object.entries(state?.preKeys ?? {})) this.preKeys.set(Number(id), pair);
    for (const [address, record] of Object.entries(state?.sessions ?? {})) {
      this.sessions.set(address, libsignal.SessionRecord.deserialize(record as Uint8Array));
    }
    const identity = this.identity;
    const signed = () => this.signedPreKey;
    this.storage = {
      // A copy, as every Signal client's store hands out: libsignal advances ratchets in place while
      // it tries a message on each session, and keeps the result only by storing it (on success).
      // Handing out the live record let every failed attempt spoil the session it was tried on.
      loadSession: async (id) => {
        const record = this.sessions.get(id);
        return record && libsignal.SessionRecord.deserialize(record.serialize());
      },
      storeSession: async (id, record) => {
        this.sessions.set(id, record);
      },
      isTrustedIdentity: () => true,
      loadPreKey: async (id) => {
        const pair = this.preKeys.get(Number(id));
        return pair ? { privKey: Buffer.from(pair.private), pubKey: Buffer.from(pair.public) } : undefined;
      },
      removePreKey: (id) => {
        this.preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => ({
        privKey: Buffer.from(signed().keyPair.private),
        pubKey: Buffer.from(signed().keyPair.public),
      }),
      getOurRegistrationId: () => this.registrationId,
      getOurIdentity: () => ({
        privKey: Buffer.from(identity.private),
        pubKey: Buffer.from(generateSignalPubKey(identity.public)),
      }),
    };
  }

  /** Hands out a bundle with a fresh one-time pre-key (a real server consumes one per fetch). */
  takeBundle(): PreKeyBundle {
    const keyId = this.nextPreKeyId++;
    const pair = Curve.generateKeyPair();
    this.preKeys.set(keyId, pair);
    return {
      registrationId: this.registrationId,
      identityKey: this.identity.public,
      signedPreKey: {
        keyId: this.signedPreKey.keyId,
        publicKey: this.signedPreKey.keyPair.public,
        signature: this.signedPreKey.signature,
      },
      preKey: { keyId, publicKey: pair.public },
    };
  }

  hasSession(address: string): boolean {
    return this.sessions.get(address)?.haveOpenSession() ?? false;
  }

  async encrypt(address: string, plaintext: Uint8Array, bundle?: () => PreKeyBundle | undefined): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Buffer }> {
    if (!this.hasSession(address)) {
      const b = bundle?.();
      if (!b) throw new Error(`no Signal session with ${address} and no pre-key bundle to start one`);
      await this.startSession(address, b);
    }
    const { type, body } = await new libsignal.SessionCipher(this.storage, toAddress(address)).encrypt(plaintext);
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  /** A new outgoing session from the device's bundle; the old one, if any, is archived (libsignal keeps it for late messages). */
  async startSession(address: string, b: PreKeyBundle): Promise<void> {
    await new libsignal.SessionBuilder(this.storage, toAddress(address)).initOutgoing({
      registrationId: b.registrationId,
      identityKey: generateSignalPubKey(b.identityKey),
      signedPreKey: { ...b.signedPreKey, publicKey: generateSignalPubKey(b.signedPreKey.publicKey) },
      preKey: b.preKey ? { ...b.preKey, publicKey: generateSignalPubKey(b.preKey.publicKey) } : undefined!,
    });
  }

  /** Loses every session, as a phone whose Signal store was reset (the session-reset fault). */
  forgetSessions(): void {
    this.sessions.clear();
  }

  /**
   * The stored ratchet state of every open session goes out of step with the other side (as after a
   * storage fault): root and chain keys no longer match what the companion derives. The phone does
   * not notice; its messages fail at the companion ("Bad MAC", then "No matching sessions") and it
   * cannot decrypt the companion's either, until a new session replaces the broken one.
   */
  corruptSessions(): number {
    let corrupted = 0;
    for (const record of this.sessions.values()) {
      const session = (record as unknown as { getOpenSession(): CorruptibleSession | undefined }).getOpenSession();
      if (!session) continue;
      session.currentRatchet.rootKey = randomBytes(32);
      for (const [, chain] of session.chains()) {
        if (chain.chainKey.key) chain.chainKey.key = randomBytes(32);
        chain.messageKeys = {};
      }
      corrupted++;
    }
    return corrupted;
  }

  async decrypt(address: string, type: string, ciphertext: Uint8Array): Promise<Buffer> {
    const cipher = new libsignal.SessionCipher(this.storage, toAddress(address));
    if (type === 'pkmsg') return cipher.decryptPreKeyWhisperMessage(ciphertext);
    if (type === 'msg') return this.decryptOnEachSession(cipher as unknown as CipherInternals, address, Buffer.from(ciphertext));
    throw new Error(`unsupported enc type ${type}`);
  }

  /**
   * A `msg` is tried on each of the device's sessions, newest first, as libsignal does; but each try
   * works on a copy and only the session that decrypted it changes, as in Signal's own libraries (and
   * WhatsApp's). libsignal-node tries them in place and stores the whole record after a success, so
   * a late message sealed on an older session would leave the newer ones it was tried on first with a
   * stepped ratchet and closed chains: the companion's next message on them would fail.
   */
  private async decryptOnEachSession(cipher: CipherInternals, address: string, ciphertext: Buffer): Promise<Buffer> {
    const record = this.sessions.get(address);
    if (!record) throw new Error('No session record');
    const failures: string[] = [];
    for (const session of (record as unknown as RecordInternals).getSessions()) {
      const trial = session.constructor.deserialize(session.serialize());
      try {
        const plaintext = await cipher.doDecryptWhisperMessage(ciphertext, trial);
        trial.indexInfo.used = Date.now();
        (record as unknown as RecordInternals).setSession(trial);
        return plaintext;
      } catch (err) {
        failures.push(String((err as Error)?.message ?? err));
      }
    }
    throw new Error(`No matching sessions found for message (${failures.join('; ') || 'none'})`);
  }

  toState(): SignalPartyState {
    const sessions: Record<string, unknown> = {};
    for (const [address, record] of this.sessions) sessions[address] = record.serialize();
    return {
      identity: this.identity,
      registrationId: this.registrationId,
      signedPreKey: this.signedPreKey,
      preKeys: Object.fromEntries(this.preKeys),
      nextPreKeyId: this.nextPreKeyId,
      sessions,
    };
  }
}

/** libsignal's session entry as one try needs it (not exported, nor in its typings). */
interface SessionEntryInternals {
  serialize(): unknown;
  indexInfo: { used: number };
  constructor: { deserialize(data: unknown): SessionEntryInternals };
}

interface RecordInternals {
  getSessions(): SessionEntryInternals[];
  setSession(session: SessionEntryInternals): void;
}

interface CipherInternals {
  doDecryptWhisperMessage(ciphertext: Buffer, session: SessionEntryInternals): Promise<Buffer>;
}

/** The parts of libsignal's SessionEntry a storage fault breaks (its typings do not expose them). */
interface CorruptibleSession {
  currentRatchet: { rootKey: Buffer };
  chains(): Iterable<[Buffer, { chainKey: { key?: Buffer }; messageKeys: Record<number, Buffer> }]>;
}

/** Sandbox-wide Signal address of a device: `<user>.<device>` (always the LID user, so PN and LID addressing meet). */
function toAddress(address: string): LibSignal.ProtocolAddress {
  const dot = address.lastIndexOf('.');
  return new libsignal.ProtocolAddress(address.slice(0, dot), Number(address.slice(dot + 1)));
}
