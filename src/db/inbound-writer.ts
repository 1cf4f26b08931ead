import type { MessageRecord, MessageRepository, NewMessage } from './message.repository.ts';

export type InboundResult = { record: MessageRecord; created: boolean };

interface Pending {
  row: NewMessage;
  resolve(result: InboundResult): void;
  reject(err: unknown): void;
}

// 17 values per row; a few hundred rows keep one statement small. Baileys hands each instance's
// next message over while the last one is stored (our patch's pipelineMessageReceipts), so a
// backlog delivered at login fills batches by itself.
const MAX_BATCH = 500;

/**
 * Group commit for received messages, as `KeyWriter` does for Signal keys. Each message must be
 * committed before Baileys sends its delivery receipt, and Baileys waits for that inside its
 * receive path: one INSERT round trip per message per instance made the ledger most of the
 * gateway's receive CPU. Rows that arrive while a statement runs go out together in the next one
 * (`insert … on conflict do nothing`); a row that finds the queue idle waits one turn of the event
 * loop for others of the same turn, and every caller
 * resolves only once its own row is committed, so no receipt leaves before its row is stored.
 * When a batch fails (one bad row: its instance was deleted), each row is retried alone, so only
 * the bad one fails and is nacked.
 */
export class InboundWriter {
  readonly #repo: MessageRepository;
  readonly #onBatch: ((rows: number) => void) | undefined;
  readonly #queue: Pending[] = [];
  #running: Promise<void> | null = null;

  /** `onBatch` hears of every committed statement (metrics): how many rows it stored together. */
  constructor(repo: MessageRepository, onBatch?: (rows: number) => void) {
    this.#repo = repo;
    this.#onBatch = onBatch;
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
    // One turn of the event loop before the first statement lets the rows of what is being handled
    // in this turn join it: Baileys decrypts a backlog delivered at login ten stanzas per turn, and
    // on PGlite (in-process, no network round trip to wait through) the statement would otherwise
    // be over before the next row comes.
    await new Promise<void>((resolve) => setImmediate(resolve));
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
        this.#onBatch?.(batch.length);
        for (const [i, p] of batch.entries()) p.resolve(results[i]!);
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else
          for (const p of batch)
            await this.#repo.insertInbound([p.row]).then(([result]) => {
              this.#onBatch?.(1);
              p.resolve(result!);
            }, p.reject);
      }
    }
  }
}
