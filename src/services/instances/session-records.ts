import { createHash } from 'node:crypto';
import { type BinaryNode, isPnUser, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore, type SignalRepositoryWithLIDStore } from '@whiskeysockets/baileys';

/** How long an encryption waits for the decryptions of its address before it. */
const TURN_TIMEOUT_MS = 5_000;

/** One write of a session record through the repository's view. */
interface Written {
  readonly id: string;
  /** libsignal's serialised record, or null (the record was deleted). */
  readonly value: object | null;
  /** A later write of the record exists: it was made from this one or a newer one. */
  superseded: boolean;
}

/**
 * Keeps an account's Signal session records in step across Baileys' key transactions.
 *
 * Baileys runs a send in a key transaction keyed by the account (`relayMessage`) and a decryption
 * in one keyed by the sender (addTransactionCapability); each reads a session record into its own
 * snapshot and writes the whole record back when it commits. A send whose transaction read the
 * record (its session check) before the contact's new-session message was decrypted encrypted on
 * the old session, and its commit, later than the decryption's, put the old record back over the
 * new one: the contact failed that send ("No matching sessions") and every send after it until a
 * retry receipt started yet another session (`test/services/send-decrypt-race.test.ts`; the failed
 * first tries after a reset-session in the fault benchmark).
 *
 * libsignal itself already runs one read-modify-write of a record at a time per address (its job
 * queue); what broke it were the snapshots and the commits' order. So session records do not live
 * in transaction snapshots here: the repository's view (`repositoryKeys`) reads the newest record
 * written by any transaction, committed or not, else the store below the transactions, and every
 * write is noted as the newest; the transactions still commit it (batched, at their end, and a
 * decryption's under InboundKeyHold's rules). At commit (`store`, below the transactions), a record
 * that a later write has superseded is left out: the later write was made from it (or from a newer
 * one), so its commit carries this one's changes. A transaction that rolls back after writing a
 * record leaves the write visible (libsignal stores a record only once it en- or decrypted; the
 * only cost is a ratchet step of a message never sent) and the next write of the record commits it.
 *
 * An encryption waits for the decryptions of its address begun before it (`afterDecryptions`,
 * `decrypting`): a send made while the contact's message on a new session is being decrypted is
 * sealed on the new session, instead of reaching libsignal's queue first (the decryption has its
 * identity check and transaction to pass before) and being sealed on a session the contact has
 * dropped. A message that starts a session counts from when it reaches the socket
 * (`expectDecryption`), not from when Baileys gets round to decrypting it (a socket's messages wait
 * for each other, and for the ledger, in one queue): a send made in between waits for it too. Only
 * the encryption itself waits, never a send's key fetch, and no longer than TURN_TIMEOUT_MS: past it
 * the two run as libsignal queues them, which the records above keep consistent. Addresses are the
 * record's (a contact's PN and LID name one record), as libsignal's storage resolves them.
 */
export class SessionRecords {
  /** The store under Baileys' transactions (its cache over the database). */
  readonly #inner: SignalKeyStore;
  /** Records written and not committed yet (or whose commit is still being written), by id. */
  readonly #latest = new Map<string, Written>();
  /** What the transactions hold for each write: the record itself, or a mark for a deletion. */
  readonly #byValue = new WeakMap<object, Written>();
  /** Decryptions begun or arrived and not ended, by address. */
  readonly #decrypting = new Map<string, Set<Promise<void>>>();
  /** Messages that start a session, arrived and not decrypted yet, by ciphertext digest: what ends their wait. */
  readonly #expected = new Map<string, () => void>();
  /** Arrivals of such messages whose address is being resolved: encryptions wait for these too. */
  readonly #resolving = new Set<Promise<void>>();
  readonly #turnTimeoutMs: number;

  constructor(inner: SignalKeyStore, options: { turnTimeoutMs?: number } = {}) {
    this.#inner = inner;
    this.#turnTimeoutMs = options.turnTimeoutMs ?? TURN_TIMEOUT_MS;
  }

  /** The store to give Baileys (`auth.keys`): its transactions commit through it. */
  readonly store: SignalKeyStore = {
    get: (type, ids) => this.#inner.get(type, ids),
    set: (data) => {
      const session = data.session as Record<string, object | null> | undefined;
      if (!session) return this.#inner.set(data);
      const out: Record<string, object | null> = {};
      const committed: Written[] = [];
      for (const [id, value] of Object.entries(session)) {
        const written = value ? this.#byValue.get(value) : undefined;
        if (!written) {
          // Written past the repository's view: it is the newest there is.
          this.#supersede(id);
          this.#latest.delete(id);
          out[id] = value;
        } else if (!written.superseded) {
          out[id] = written.value;
          committed.push(written);
        }
      }
      const rest: SignalDataSet = { ...data, session: out as SignalDataSet['session'] };
      if (!Object.keys(out).length) delete rest.session;
      if (!Object.keys(rest).length) return Promise.resolve();
      // Called before any await: the store below writes in call order, so two commits of one record
      // land in the order of their writes.
      return Promise.resolve(this.#inner.set(rest)).then(() => {
        // Reads find it below now (the cache over the database has it).
        for (const w of committed) if (this.#latest.get(w.id) === w) this.#latest.delete(w.id);
      });
    },
    clear: async () => {
      this.#latest.clear();
      await this.#inner.clear?.();
    },
  };

  /** The key store Baileys' Signal repository works on: `keys` (its transactions) for all but sessions. */
  repositoryKeys<K extends SignalKeyStore>(keys: K): K {
    const get = async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> => {
      if (type !== 'session') return keys.get(type, ids);
      const found: Record<string, unknown> = {};
      const rest: string[] = [];
      for (const id of ids) {
        const written = this.#latest.get(id);
        if (!written) rest.push(id);
        else if (written.value) found[id] = written.value;
      }
      // Past the transaction's snapshot: what any transaction committed since it began counts.
      if (rest.length) Object.assign(found, await this.#inner.get(type, rest));
      return found as { [id: string]: SignalDataTypeMap[T] };
    };
    const set = (data: SignalDataSet) => {
      const session = data.session as Record<string, object | null> | undefined;
      if (!session) return keys.set(data);
      const marked: Record<string, object> = {};
      for (const [id, value] of Object.entries(session)) {
        const written: Written = { id, value: value ?? null, superseded: false };
        // A deletion is a null, which cannot be told from another; the transaction holds a mark.
        const held = value ?? {};
        this.#supersede(id);
        this.#latest.set(id, written);
        this.#byValue.set(held, written);
        marked[id] = held;
      }
      return keys.set({ ...data, session: marked as unknown as SignalDataSet['session'] });
    };
    return new Proxy(keys, {
      get(target, prop) {
        if (prop === 'get') return get;
        if (prop === 'set') return set;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /**
   * Runs an encryption for `address` once the decryptions of it that were begun, or had arrived,
   * before it have ended (at most TURN_TIMEOUT_MS; `onLate` is told when that ran out). `address` is
   * worked out only when some decryption is under way: most sends find none, and the address costs a
   * LID lookup (≈ 0.4 % of a PostgreSQL send's CPU).
   */
  async afterDecryptions<T>(address: () => Promise<string>, work: () => Promise<T>, onLate?: () => void): Promise<T> {
    // First the socket is read: a send whose every step resolves without returning to the event
    // loop (PGlite's statements run in this thread) would otherwise be sealed while the contact's
    // pkmsg sits unread in the socket's buffer. Two immediates have a poll phase between them
    // whichever phase this runs in, and an arrival read there is registered before the check below
    // (Baileys decodes an uncompressed frame without leaving the callback).
    await nextImmediate();
    await nextImmediate();
    // Arrivals whose address is still being resolved (a LID lookup) may be this one's.
    if (this.#resolving.size) await settledWithin(Promise.all(this.#resolving).then(() => undefined), this.#turnTimeoutMs);
    if (!this.#decrypting.size) return work();
    const pending = this.#decrypting.get(await address());
    if (pending?.size && !(await settledWithin(Promise.all(pending).then(() => undefined), this.#turnTimeoutMs))) onLate?.();
    return work();
  }

  /**
   * Runs a decryption of `address`; encryptions called meanwhile wait for it. It waits for nothing
   * itself: a decryption waiting for a send that waits for it would stall until the timeout, and it
   * needs no order with sends (libsignal's queue and the records above keep the record whole).
   */
  async decrypting<T>(address: Promise<string>, work: () => Promise<T>): Promise<T> {
    const done = Promise.withResolvers<void>();
    this.#pending(await address, done.promise);
    try {
      return await work();
    } finally {
      done.resolve();
    }
  }

  /**
   * A 1:1 message that starts a session (a pkmsg) reached the socket: sends to its sender wait until
   * it is decrypted (its decryption ends the wait, `claimExpected`), or TURN_TIMEOUT_MS if that never
   * comes (the socket died first; the copy delivered again claims the same wait).
   */
  expectDecryption(repository: SignalRepositoryWithLIDStore, stanza: BinaryNode): void {
    if (!Array.isArray(stanza.content) || !stanza.attrs.from) return;
    for (const child of stanza.content) {
      if (child.tag !== 'enc' || child.attrs.type !== 'pkmsg' || !(child.content instanceof Uint8Array)) continue;
      const digest = ciphertextDigest(child.content);
      if (this.#expected.has(digest)) continue; // a copy delivered again: the first one's wait covers it
      const decrypted = Promise.withResolvers<void>();
      const timer = setTimeout(decrypted.resolve, this.#turnTimeoutMs);
      timer.unref();
      this.#expected.set(digest, decrypted.resolve);
      void decrypted.promise.then(() => {
        clearTimeout(timer);
        if (this.#expected.get(digest) === decrypted.resolve) this.#expected.delete(digest);
      });
      const resolving = turnKey(repository, stanza.attrs.participant ?? stanza.attrs.from).then(
        (address) => this.#pending(address, decrypted.promise),
        () => decrypted.resolve(),
      );
      this.#resolving.add(resolving);
      void resolving.then(() => this.#resolving.delete(resolving));
    }
  }

  /** The wait registered for this ciphertext when it arrived, if any: call to end it. */
  claimExpected(ciphertext: Uint8Array): (() => void) | undefined {
    if (!this.#expected.size) return undefined;
    const digest = ciphertextDigest(ciphertext);
    const end = this.#expected.get(digest);
    this.#expected.delete(digest);
    return end;
  }

  #pending(address: string, decryption: Promise<void>): void {
    let pending = this.#decrypting.get(address);
    if (!pending) this.#decrypting.set(address, (pending = new Set()));
    pending.add(decryption);
    void decryption.then(() => {
      pending.delete(decryption);
      if (!pending.size && this.#decrypting.get(address) === pending) this.#decrypting.delete(address);
    });
  }

  #supersede(id: string): void {
    const previous = this.#latest.get(id);
    if (previous) previous.superseded = true;
  }
}

/** The address a turn is keyed by: libsignal's storage keeps a contact's record under its LID when known. */
export async function turnKey(repository: SignalRepositoryWithLIDStore, jid: string): Promise<string> {
  const lid = isPnUser(jid) ? await repository.lidMapping.getLIDForPN(jid) : null;
  return repository.jidToSignalProtocolAddress(lid ?? jid);
}

const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

function ciphertextDigest(ciphertext: Uint8Array): string {
  return createHash('sha256').update(ciphertext).digest('base64');
}

function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}
