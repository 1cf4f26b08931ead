import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';

/** A held write left behind by a decrypt that never reached the ledger hook goes out by then. */
const FLUSH_AFTER_MS = 2_000;

/** The key writes of one message's decryption, waiting for the message to be stored. */
export interface HeldKeys {
  readonly data: SignalDataSet | undefined;
  settled: boolean;
  readonly written: PromiseWithResolvers<void>;
}

/**
 * Keeps the Signal key writes of an incoming message's decryption back until the message is in the
 * ledger, so a crash can never store the one without the other.
 *
 * Decrypting a message moves its session's ratchet (and uses up a pre-key); Baileys commits those
 * keys when the decrypt returns, before `beforeMessageReceipt` stores the message. A `kill -9`
 * between the two left the ratchet past a message the ledger never got: WhatsApp delivered it again
 * (no receipt had left), the key was "used already", Baileys nacked it (487) and it was gone
 * (`./wamux bench --only kill9` lost about one message per busy instance per kill). Held back, the
 * redelivered copy decrypts with the stored state as if for the first time.
 *
 * Writes made inside `decrypting(...)` are kept here (reads see them) and resolve at once. The
 * receipt hook takes them with `cut()` as soon as its message decrypted, and `settle()`s them once
 * the ledger row is committed (or the store failed: the keys then go too). Several messages of one
 * session are stored at once (Baileys decrypts the next while one is stored), so there is a queue:
 * each message's writes hold the state as of its own decrypt, and they are written in decrypt
 * order, each only after every earlier one, so the store never holds a ratchet step whose message
 * is not in the ledger, nor an older value over a newer one. The writes of messages stored
 * together go out as one. A write of another kind waits until everything held before it is written
 * (order is kept); writes no hook took go out after FLUSH_AFTER_MS (a message Baileys did not hand
 * to the hook).
 */
export class InboundKeyHold {
  readonly #inner: SignalKeyStore;
  readonly #context = new AsyncLocalStorage<{ open: boolean }>();
  /** Writes of decryptions not cut yet. */
  #held: SignalDataSet = {};
  #count = 0;
  /** Cut writes, in decrypt order, until they are written. */
  #queue: HeldKeys[] = [];
  /** Writes on their way to the store (still read from here until they are there). */
  #writing: SignalDataSet[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The last write handed to the store; the store keeps their order, so it settles last. */
  #flushing: Promise<void> = Promise.resolve();
  /** A write of what was settled in this turn is due at its end. */
  #writeDue = false;

  constructor(inner: SignalKeyStore) {
    this.#inner = inner;
  }

  /** The store Baileys gets (under its cache): writes from a decrypt in progress are held. */
  readonly store: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      // Newest first: what is not cut yet, then the queue from its end, then what is being written.
      const layers = [this.#held, ...this.#queue.map((c) => c.data).reverse(), ...[...this.#writing].reverse()].map((d) => d?.[type] as Record<string, SignalDataTypeMap[T] | null> | undefined).filter((l) => !!l);
      const found: Record<string, SignalDataTypeMap[T]> = {};
      const rest: string[] = [];
      for (const id of ids) {
        const layer = layers.find((l) => id in l);
        if (!layer) rest.push(id);
        else if (layer[id] != null) found[id] = layer[id]!;
      }
      return rest.length ? Object.assign(await this.#inner.get(type, rest), found) : found;
    },
    set: async (data: SignalDataSet) => {
      const ctx = this.#context.getStore();
      if (ctx?.open) return this.#hold(data);
      await this.#everythingBefore();
      await this.#inner.set(data);
    },
    clear: async () => {
      this.#drop();
      await this.#inner.clear?.();
    },
  };

  /** Runs one decryption; the key writes it makes are held until they are cut and settled. */
  decrypting<T>(work: () => Promise<T>): Promise<T> {
    const ctx = { open: true };
    return this.#context.run(ctx, async () => {
      try {
        return await work();
      } finally {
        // Work the decrypt left running (timers, unawaited chains) writes normally.
        ctx.open = false;
      }
    });
  }

  /** Takes the writes held so far: those of the message that just decrypted (and any before it). */
  cut(): HeldKeys {
    return this.#enqueue(this.#take(), false);
  }

  /**
   * The message of `chunk` is stored (or will not be): its writes go out after every earlier one.
   *
   * At the end of the turn, not at once: the ledger stores a backlog about ten messages to a
   * statement and settles them in one turn, and their writes, mostly steps of one session, then go
   * out as one (one record encoded and upserted instead of ten; on PGlite each was ≈ 1.5 % of a
   * backlog drain's CPU per message, and every other one took a statement of its own).
   */
  settle(chunk: HeldKeys): Promise<void> {
    chunk.settled = true;
    if (!this.#writeDue) {
      this.#writeDue = true;
      setImmediate(() => {
        this.#writeDue = false;
        this.#writeSettled();
      });
    }
    return chunk.written.promise;
  }

  /** Commits everything held, settled or not, in order; resolves once it is written. */
  release(): Promise<void> {
    const rest = this.#take();
    if (rest) this.#enqueue(rest, true);
    const last = this.#queue.at(-1);
    for (const chunk of this.#queue) chunk.settled = true;
    this.#writeSettled();
    return last ? last.written.promise : this.#flushing;
  }

  /**
   * Resolves once every write held now is written: what no hook took yet goes out at once, what
   * waits for its message waits for it (a write of another kind must not land before an older value
   * of the same key, nor commit a ratchet step whose message is not stored).
   */
  #everythingBefore(): Promise<void> {
    this.#flushUncut();
    const last = this.#queue.at(-1);
    return last ? last.written.promise : this.#flushing;
  }

  /** Writes the settled chunks at the head of the queue as one write, after what is being written. */
  #writeSettled(): void {
    let n = 0;
    while (n < this.#queue.length && this.#queue[n]!.settled) n++;
    if (!n) return;
    const chunks = this.#queue.splice(0, n);
    const data = merged(chunks.map((c) => c.data));
    if (data) this.#writing.push(data);
    // Called at once, not after the last write: the store below writes in the order it was called
    // (KeyWriter), and writes that queue while one runs go out together.
    const write = data ? Promise.resolve(this.#inner.set(data)) : this.#flushing;
    this.#flushing = write.catch(() => undefined);
    write
      .finally(() => {
        const at = data ? this.#writing.indexOf(data) : -1;
        if (at >= 0) this.#writing.splice(at, 1);
      })
      .then(
        () => {
          for (const c of chunks) c.written.resolve();
        },
        (err: unknown) => {
          for (const c of chunks) c.written.reject(err);
        },
      );
  }

  #hold(data: SignalDataSet): void {
    for (const [type, entries] of Object.entries(data) as Array<[keyof SignalDataSet, Record<string, unknown> | undefined]>) {
      const into = ((this.#held as Record<string, Record<string, unknown>>)[type] ??= {});
      for (const [id, value] of Object.entries(entries ?? {})) {
        into[id] = value ?? null;
        this.#count++;
      }
    }
    if (!this.#timer && this.#count) {
      this.#timer = setTimeout(() => this.#flushUncut(), FLUSH_AFTER_MS);
      this.#timer.unref();
    }
  }

  /** Writes no hook took: queued as settled, so they still go out after everything before them. */
  #flushUncut(): void {
    this.#timer = undefined;
    const data = this.#take();
    if (!data) return;
    this.#enqueue(data, true);
    this.#writeSettled();
  }

  #enqueue(data: SignalDataSet | undefined, settled: boolean): HeldKeys {
    const chunk: HeldKeys = { data, settled, written: Promise.withResolvers<void>() };
    // Whoever waits for it hears of a failure; nobody waiting is no unhandled rejection.
    chunk.written.promise.catch(() => undefined);
    this.#queue.push(chunk);
    return chunk;
  }

  #take(): SignalDataSet | undefined {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#count) return undefined;
    const data = this.#held;
    this.#held = {};
    this.#count = 0;
    return data;
  }

  /** The keys are wiped (logout): nothing held may be written after the wipe. */
  #drop(): void {
    this.#take();
    this.#writing = [];
    const chunks = this.#queue.splice(0);
    for (const chunk of chunks) chunk.written.resolve();
  }
}

/** Later writes of a key win, as if the writes had run one after the other. */
function merged(sets: Array<SignalDataSet | undefined>): SignalDataSet | undefined {
  const present = sets.filter((s): s is SignalDataSet => !!s);
  if (present.length <= 1) return present[0];
  const out: Record<string, Record<string, unknown>> = {};
  for (const set of present) for (const [type, entries] of Object.entries(set)) Object.assign((out[type] ??= {}), entries);
  return out as SignalDataSet;
}
