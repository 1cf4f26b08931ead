import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';

/** A held write left behind by a decrypt that never reached the ledger hook goes out by then. */
const FLUSH_AFTER_MS = 2_000;

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
 * Writes made inside `decrypting(...)` are kept here (reads see them) and resolve at once; they are
 * committed by `release()`, which the session calls once the ledger row is committed (or the store
 * failed: the keys then go too, as before), before any later write of another kind (order is kept),
 * and at the latest after FLUSH_AFTER_MS (a message Baileys did not hand to the hook).
 */
export class InboundKeyHold {
  readonly #inner: SignalKeyStore;
  readonly #context = new AsyncLocalStorage<{ open: boolean }>();
  #held: SignalDataSet = {};
  #count = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(inner: SignalKeyStore) {
    this.#inner = inner;
  }

  /** The store Baileys gets (under its cache): writes from a decrypt in progress are held. */
  readonly store: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const held = this.#held[type] as Record<string, SignalDataTypeMap[T] | null> | undefined;
      const rest = held ? ids.filter((id) => !(id in held)) : ids;
      const found = rest.length ? await this.#inner.get(type, rest) : {};
      if (held) for (const id of ids) if (id in held && held[id] != null) found[id] = held[id]!;
      return found;
    },
    set: async (data: SignalDataSet) => {
      const ctx = this.#context.getStore();
      if (ctx?.open) return this.#hold(data);
      await this.release();
      await this.#inner.set(data);
    },
    clear: async () => {
      this.#take();
      await this.#inner.clear?.();
    },
  };

  /** Runs one decryption; the key writes it makes are held until `release()`. */
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

  /** Commits what is held (in order with other writes); resolves once it is written. */
  release(): Promise<void> {
    const data = this.#take();
    if (!data) return this.#flushing;
    const write = this.#flushing.then(() => this.#inner.set(data));
    this.#flushing = write.catch(() => undefined);
    return write;
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
      this.#timer = setTimeout(() => void this.release().catch(() => undefined), FLUSH_AFTER_MS);
      this.#timer.unref();
    }
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
}
