import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { AuthKey } from './auth-key.entity.ts';
import type { Orm } from './orm.ts';
import { byRowCount, rawSql } from './raw-sql.ts';

export type KeyRow = { instance: string; type: string; keyId: string; value: Buffer };
export type KeyDelete = { type: string; keyId: { $in: string[] } };

/** One `keys.set` call of one instance: applied whole or not at all. */
export interface KeyWrite {
  instanceId: string;
  upserts: KeyRow[];
  deletes: KeyDelete[];
}

interface Pending extends KeyWrite {
  /** Set for work that must run in the queue's order but is not a key write (clearing keys). */
  run?: () => Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

// 4 bind parameters per row keeps one statement far below PostgreSQL's 65,535-parameter limit even
// for Baileys' largest writes (a full pre-key upload is a few hundred rows).
const MAX_STATEMENT_ROWS = 1_000;

/**
 * Every Signal key write of the process goes through one queue, written by one stream in order.
 * Every message sent or received commits a ratchet step (a `keys.set` of a few rows); with many
 * instances busy at once, the writes that arrive while one statement runs go out together in the
 * next: one multi-row upsert instead of one round trip each (group commit). When the queue was
 * idle, the first statement waits one turn of the event loop, so the writes handed over in that turn
 * share it (on PGlite, in-process, nothing arrives while a statement runs: the gateway bench's sends
 * each wrote their two session rows alone, 400 statements for 400 sends, 40 with the turn). Every
 * caller still resolves only once its rows are committed, so a crash loses nothing Baileys was told
 * was saved.
 *
 * - Upsert-only writes (the common case) merge; a row written twice in one batch keeps the later
 *   value, as if the two had run one after the other. One statement is atomic by itself.
 * - A write with deletes, or larger than one statement, runs alone in its own transaction.
 * - One stream keeps the order: a later write of a key never lands before an earlier one.
 * - When a merged batch fails (one bad row), each write is retried alone, so only the bad one fails.
 */
export class KeyWriter {
  private readonly orm: Orm;
  private readonly queue: Pending[] = [];
  private running = false;
  private readonly onBatch: ((writes: number, seconds: number) => void) | undefined;

  /** `onBatch` hears of every committed batch (metrics): how many writes, and how long it took. */
  constructor(orm: Orm, onBatch?: (writes: number, seconds: number) => void) {
    this.orm = orm;
    this.onBatch = onBatch;
  }

  write(write: KeyWrite): Promise<void> {
    if (write.upserts.length === 0 && write.deletes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...write, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /**
   * Runs `work` after every write queued before it and before every write queued after it: a clear
   * at logout must not be overtaken by a ratchet step still waiting in the queue.
   */
  inOrder(work: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ instanceId: '', upserts: [], deletes: [], run: work, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves once everything queued so far is written (or failed). */
  idle(): Promise<void> {
    return this.queue.length || this.running ? this.inOrder(async () => {}) : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length) {
        const batch = this.takeBatch();
        const started = performance.now();
        if (batch.length === 1) {
          const [only] = batch;
          await this.apply(only!).then(only!.resolve, only!.reject);
        } else {
          try {
            await this.upsert(merge(batch));
            for (const w of batch) w.resolve();
          } catch {
            for (const w of batch) await this.apply(w).then(w.resolve, w.reject);
          }
        }
        if (!batch[0]!.run) this.onBatch?.(batch.length, (performance.now() - started) / 1000);
      }
    } finally {
      this.running = false;
    }
  }

  /** The head of the queue, plus the upsert-only writes after it while they fit one statement. */
  private takeBatch(): Pending[] {
    const head = this.queue.shift()!;
    if (!mergeable(head)) return [head];
    const batch = [head];
    let rows = head.upserts.length;
    while (this.queue.length && mergeable(this.queue[0]!) && rows + this.queue[0]!.upserts.length <= MAX_STATEMENT_ROWS) {
      const next = this.queue.shift()!;
      rows += next.upserts.length;
      batch.push(next);
    }
    return batch;
  }

  private async apply(w: Pending): Promise<void> {
    if (w.run) return w.run();
    if (mergeable(w)) return this.upsert(merge([w]));
    await this.orm.em.fork().transactional(async (em) => {
      if (w.deletes.length > 0) await em.nativeDelete(AuthKey, { instance: w.instanceId, $or: w.deletes });
      for (let i = 0; i < w.upserts.length; i += MAX_STATEMENT_ROWS) await this.upsert(w.upserts.slice(i, i + MAX_STATEMENT_ROWS), em);
    });
  }

  /**
   * Raw SQL: this runs for every ratchet step of every instance, and MikroORM's query builder cost
   * more CPU than the statement (`rawSql`: prepared on PGlite). Inside `em`'s transaction when one is given.
   */
  private async upsert(rows: KeyRow[], em?: SqlEntityManager): Promise<void> {
    const sql = upsertTexts(rows.length);
    const params = rows.flatMap((r) => [r.instance, r.type, r.keyId, r.value]);
    if (em) await em.getConnection().execute(sql, params, 'run', em.getTransactionContext());
    else await rawSql(this.orm).all(sql, params);
  }
}

const upsertTexts = byRowCount(
  (rows) =>
    `insert into "auth_key" ("instance_id", "type", "key_id", "value") values ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')} ` +
    'on conflict ("instance_id", "type", "key_id") do update set "value" = excluded."value"',
);

const mergeable = (w: Pending) => !w.run && w.deletes.length === 0 && w.upserts.length <= MAX_STATEMENT_ROWS;

/** The rows of several writes as one upsert: PostgreSQL refuses a row twice in one ON CONFLICT statement, so the last value wins. */
function merge(writes: readonly KeyWrite[]): KeyRow[] {
  const rows = new Map<string, KeyRow>();
  for (const w of writes) for (const row of w.upserts) rows.set(`${row.instance}\u0000${row.type}\u0000${row.keyId}`, row);
  return [...rows.values()];
}
