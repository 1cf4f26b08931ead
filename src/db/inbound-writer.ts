import type { MessageRecord, MessageRepository, NewMessage } from './message.repository.ts';

export type InboundResult = { record: MessageRecord; created: boolean };

interface Pending {
  row: NewMessage;
  resolve(result: InboundResult): void;
  reject(err: unknown): void;
}

// 17 values per row; a few hundred rows keep one statement small. Baileys hands each instance's
// messages over one at a time (its message mutex), so a batch holds at most one row per busy
// instance, plus what a caller outside that path queued.
const MAX_BATCH = 500;

/**
 * Group commit for received messages, as `KeyWriter` does for Signal keys. Each message must be
 * committed before Baileys sends its delivery receipt, and Baileys waits for that inside its
 * receive path: one INSERT round trip per message per instance made the ledger most of the
 * gateway's receive CPU. Rows that arrive while a statement runs go out together in the next one
 * (`insert … on conflict do nothing`); nothing waits when the queue is idle, and every caller
 * resolves only once its own row is committed, so no receipt leaves before its row is stored.
 * When a batch fails (one bad row: its instance was deleted), each row is retried alone, so only
 * the bad one fails and is nacked.
 */
export class InboundWriter {
  readonly #repo: MessageRepository;
  readonly #queue: Pending[] = [];
  #running: Promise<void> | null = null;

  constructor(repo: MessageRepository) {
    this.#repo = repo;
  }

  write(row: NewMessage): Promise<InboundResult> {
    return new Promise<InboundResult>((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      this.#running ??= this.#drain();
    });
  }

  /** Resolves once everything queued so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    // Cleared in the same step that sees the queue empty, so a write never finds a drain that has
    // already looked for the last time.
    for (;;) {
      if (!this.#queue.length) {
        this.#running = null;
        return;
      }
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        const results = await this.#repo.insertInbound(batch.map((p) => p.row));
        for (const [i, p] of batch.entries()) p.resolve(results[i]!);
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else for (const p of batch) await this.#repo.insertInbound([p.row]).then(([result]) => p.resolve(result!), p.reject);
      }
    }
  }
}
