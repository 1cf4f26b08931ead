export interface GroupCommitOptions<T, R> {
  /** Commits a batch in one statement; one result per item, in the order given. */
  commit(items: readonly T[]): Promise<R[]>;
  /** How much of a statement an item takes (rows); a batch holds at most `maxBatch` of it. */
  size?(item: T): number;
  maxBatch: number;
  /**
   * What an item touches (rows, by key): an item sharing a key with one already in the batch waits
   * for the next statement, so two changes of one row are applied one after the other, in order.
   */
  keys?(item: T): Iterable<string>;
  /**
   * When the queue was idle, wait one turn of the event loop before the first statement, so the
   * items handed over in the same turn share it (with a network round trip they would share the
   * next one anyway; in-process, as PGlite is, the first statement is over before they come).
   */
  gatherTurn?: boolean;
  /** Hears of every committed statement (metrics): how many items it held. */
  onCommit?(items: number): void;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Group commit, as `KeyWriter` does for Signal keys: every caller hands over one item and waits for
 * it to be committed; items that arrive while one statement runs go out together in the next, so
 * many callers (of all instances) share one round trip instead of taking one each. Nothing waits
 * when the queue is idle (unless `gatherTurn`), and a caller resolves only once the statement holding its own item has
 * committed, so whoever it tells next is told what is stored. When a batch fails (one bad item:
 * its instance was deleted), each item is retried alone, so only the bad one fails; when even that
 * fails (the database is gone), every caller is rejected, none is left waiting.
 */
export class GroupCommit<T, R> {
  readonly #o: GroupCommitOptions<T, R>;
  readonly #queue: Pending<T, R>[] = [];
  #running: Promise<void> | null = null;

  constructor(options: GroupCommitOptions<T, R>) {
    this.#o = options;
  }

  write(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#running ??= this.#drain();
    });
  }

  /** Resolves once everything queued so far is committed (or failed). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    // Cleared in the same step that sees the queue empty, so a write never finds a drain that has
    // already looked for the last time.
    for (let first = true; ; first = false) {
      // After a commit, the callers it resolved run on before the next batch is taken: a caller's
      // next step (an instance's next receipt in its chain) then joins it instead of waiting alone
      // for the one after.
      if (!first || this.#o.gatherTurn) await new Promise((resolve) => setImmediate(resolve));
      if (!this.#queue.length) {
        this.#running = null;
        return;
      }
      const batch = this.#take();
      try {
        const results = await this.#o.commit(batch.map((p) => p.item));
        this.#o.onCommit?.(batch.length);
        for (const [i, p] of batch.entries()) p.resolve(results[i]!);
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else
          for (const p of batch)
            await this.#o.commit([p.item]).then(([result]) => {
              this.#o.onCommit?.(1);
              p.resolve(result!);
            }, p.reject);
      }
    }
  }

  /** The head of the queue, plus what follows it while it fits and touches nothing already taken. */
  #take(): Pending<T, R>[] {
    const { size = () => 1, keys, maxBatch } = this.#o;
    const head = this.#queue.shift()!;
    const batch = [head];
    let taken = size(head.item);
    const touched = new Set(keys?.(head.item));
    while (this.#queue.length) {
      const next = this.#queue[0]!;
      const n = size(next.item);
      if (taken + n > maxBatch) break;
      const nextKeys = keys ? [...keys(next.item)] : [];
      if (nextKeys.some((k) => touched.has(k))) break;
      for (const k of nextKeys) touched.add(k);
      taken += n;
      batch.push(this.#queue.shift()!);
    }
    return batch;
  }
}
