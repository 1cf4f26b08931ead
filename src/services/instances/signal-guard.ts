import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { DEFAULT_CONNECTION_CONFIG, type SignalDataSet, type SignalDataTypeMap, type SocketConfig } from '@whiskeysockets/baileys';
import type { InboundKeyHold } from './inbound-key-hold.ts';
import { type SessionRecords, turnKey } from './session-records.ts';
import type { TtlCache } from './session-memory.ts';

type MakeSignalRepository = SocketConfig['makeSignalRepository'];

/**
 * Baileys' Signal repository, installed through its `makeSignalRepository` option (Baileys itself is
 * not patched), with two guards it lacks: a message delivered twice is decrypted once, and a
 * message leaves alone the sessions it was only tried on (see keepTriedSessions).
 *
 * WhatsApp delivers a message again when its ack did not arrive (a connection cut right after the
 * write, or before the receipt left). The second copy is byte-identical and its message key is
 * already used, so Baileys fails to decrypt it ("Key used already or never filled"), answers with a
 * retry receipt and the sender re-encrypts what was already delivered. As whatsmeow does for an old
 * counter, the copy is recognised instead: the plaintext of recent ciphertexts is kept (per account,
 * across sockets) and handed to Baileys again, which then acks it as delivered; the session's
 * seen-ids filter keeps it from being reported twice. Each decryption runs under `hold`, which keeps
 * its key writes back until the ledger stored the message (see InboundKeyHold). Session records are
 * read and written through `sessions`, and 1:1 encryptions wait there for the decryptions of their address
 * begun before them (see SessionRecords): `auth.keys` must be built on `sessions.store`.
 */
export function guardedSignalRepository(options: { decrypted: TtlCache; hold: InboundKeyHold; sessions: SessionRecords }): MakeSignalRepository {
  return (auth, logger, pnToLid) => {
    const keys = keepTriedSessions(options.sessions.repositoryKeys(auth.keys));
    const repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ ...auth, keys }, logger, pnToLid);
    return {
      ...repository,
      encryptMessage: async (opts) =>
        options.sessions.afterDecryptions(() => turnKey(repository, opts.jid), () => repository.encryptMessage(opts), () => logger.warn({ jid: opts.jid }, 'a decryption of this contact ran past the wait; encrypting anyway')),
      async decryptMessage(opts) {
        const digest = createHash('sha256').update(opts.jid).update('\u0000').update(opts.type).update('\u0000').update(opts.ciphertext).digest('base64');
        // The cache holds the decryption in progress too: the copy WhatsApp delivers again at the
        // next login can come while the socket that died is still decrypting the first (its key
        // reads waiting on the database); decrypted a second time, its key was "used already".
        const seen = options.decrypted.get<Uint8Array | Promise<Uint8Array>>(digest);
        if (seen) {
          if (opts.type === 'pkmsg') options.sessions.claimExpected(opts.ciphertext)?.();
          const plaintext = await Promise.resolve(seen).catch(() => undefined);
          if (plaintext) {
            logger.debug({ jid: opts.jid }, 'message delivered again; reusing its plaintext');
            return plaintext;
          }
        }
        const decrypt = () => repository.decryptMessage(opts);
        const run = () => options.hold.decrypting(() => (opts.type === 'msg' ? trying.run(new Map(), decrypt) : decrypt()));
        // Sends to the contact wait for it (a pkmsg's wait began when it reached the socket).
        const expected = opts.type === 'pkmsg' ? options.sessions.claimExpected(opts.ciphertext) : undefined;
        const decrypting = expected ? run().finally(expected) : options.sessions.decrypting(turnKey(repository, opts.jid), run);
        options.decrypted.set(digest, decrypting);
        try {
          const plaintext = await decrypting;
          options.decrypted.set(digest, ownCopy(plaintext));
          return plaintext;
        } catch (err) {
          // A failed copy leaves nothing to reuse; a later copy tries for itself.
          if (options.decrypted.get(digest) === decrypting) options.decrypted.del(digest);
          throw err;
        }
      },
      decryptGroupMessage: (opts) => options.hold.decrypting(() => repository.decryptGroupMessage(opts)),
      processSenderKeyDistributionMessage: (opts) => options.hold.decrypting(() => repository.processSenderKeyDistributionMessage(opts)),
    };
  };
}

/**
 * The bytes in memory of their own. A small Buffer is a view into Node's shared allocation pool
 * (64 KiB a slab on Node 24), and one kept for an hour keeps its whole slab: the plaintexts cached
 * above held 18 MB of slabs after the gateway bench's traffic on 10 instances (288 slabs, up to one
 * per cached message).
 */
function ownCopy(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return Buffer.from(copy.buffer, 0, copy.byteLength);
}

/** libsignal's serialised session record (`SessionRecord.serialize()`), as the key store holds it. */
interface StoredRecord {
  _sessions: Record<string, { indexInfo: { used: number } }>;
  version?: string;
}

/** Inside a `msg` decryption: the session records as it loaded them, by key-store id. */
const trying = new AsyncLocalStorage<Map<string, StoredRecord>>();

/**
 * libsignal-node tries a `msg` on each session of the sender's record, newest first, advancing
 * ratchets in place, and stores the whole record once one session decrypted it: the sessions it was
 * only tried on are stored with their ratchet stepped over a foreign key and their chains closed.
 * When the newest is the one we send on (a key fetch made it, at a reconnect or for a retry, and the
 * contact's phone still writes on the session it knows), our next messages fail at the phone (Bad
 * MAC) until a retry receipt brings a new session: the first-try decrypt failures of the fault
 * benchmark. Signal's own libraries (and WhatsApp) try each session on a copy and keep only the one
 * that decrypted; this store does the same after the fact: while a `msg` is decrypted, the records
 * it reads are noted, and when it writes the record back, every session but the one that decrypted
 * it (the one whose `used` time moved) is put back as it was read.
 */
function keepTriedSessions<K extends { get: unknown; set: unknown }>(keys: K): K {
  // Made once: Baileys looks `get` and `set` up for every key read and write.
  const get = async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
    const found = await (keys.get as (type: T, ids: string[]) => Promise<Record<string, SignalDataTypeMap[T]>>)(type, ids);
    const loaded = trying.getStore();
    if (loaded && type === 'session') {
      // Kept as read, not copied: what the store hands out is libsignal's serialised record, which
      // libsignal does not change (`SessionRecord.deserialize` builds objects of its own from it, and
      // a write stores a new `serialize()`; only a record of an older format is migrated in place,
      // and a session put back should be migrated too), and nothing here changes one in place
      // (restoreTried builds a new record). A copy per message was ≈ 3 % of a received message's
      // CPU and more of its garbage in the gateway bench, whose records hold two sessions or more.
      // A record with one session has no other to put back: not kept.
      for (const id of ids) if (found[id] && !loaded.has(id) && hasSeveralSessions(found[id])) loaded.set(id, found[id] as unknown as StoredRecord);
    }
    return found;
  };
  const set = (data: SignalDataSet) => {
    const loaded = trying.getStore();
    const sessions = loaded && data.session ? restoreTried(data.session as Record<string, StoredRecord | null>, loaded) : undefined;
    return (keys.set as (data: SignalDataSet) => Promise<void>)(sessions ? { ...data, session: sessions as unknown as SignalDataSet['session'] } : data);
  };
  // The rest is the store's own, bound to it; a method the store replaces later is bound afresh.
  const bound = new Map<PropertyKey, { fn: (...args: unknown[]) => unknown; bound: unknown }>();
  return new Proxy(keys, {
    get(target, prop) {
      if (prop === 'get') return get;
      if (prop === 'set') return set;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const known = bound.get(prop);
      if (known?.fn === value) return known.bound;
      const fresh = value.bind(target);
      bound.set(prop, { fn: value as (...args: unknown[]) => unknown, bound: fresh });
      return fresh;
    },
  });
}

function hasSeveralSessions(record: unknown): boolean {
  const sessions = (record as Partial<StoredRecord>)._sessions;
  if (!sessions) return false;
  let n = 0;
  for (const _ in sessions) if (++n > 1) return true;
  return false;
}

function restoreTried(records: Record<string, StoredRecord | null>, loaded: Map<string, StoredRecord>): Record<string, StoredRecord | null> {
  const out: Record<string, StoredRecord | null> = {};
  for (const [id, record] of Object.entries(records)) {
    const before = loaded.get(id)?._sessions;
    const after = record?._sessions;
    if (!record || !before || !after) {
      out[id] = record;
      continue;
    }
    const decrypted = Object.keys(after).filter((key) => before[key] && after[key]!.indexInfo.used !== before[key].indexInfo.used);
    if (decrypted.length !== 1) {
      out[id] = record;
      continue;
    }
    const sessions = { ...after };
    for (const key of Object.keys(sessions)) if (key !== decrypted[0] && before[key]) sessions[key] = before[key];
    out[id] = { ...record, _sessions: sessions };
  }
  return out;
}
