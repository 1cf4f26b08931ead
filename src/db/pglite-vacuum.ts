import type { Orm } from './orm.ts';

/** What the vacuum reports; the app passes its logger. */
export interface VacuumLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

export interface PgliteVacuumOptions {
  /** How often the tables' dead-row counts are looked at. */
  intervalMs?: number;
  /**
   * A table is vacuumed (and analysed) once `minRows + scale × its live rows` of its rows are dead,
   * or changed since its last analyse (PostgreSQL's autovacuum rule, with a larger base).
   */
  minRows?: number;
  scale?: number;
}

/**
 * Autovacuum for the embedded database. PGlite runs PostgreSQL as a single-user backend, which has
 * no autovacuum worker: nothing ever vacuumed or analysed it. Every send leaves three dead versions
 * of its ledger row (its status steps change an indexed column, so none is a HOT update) and every
 * ratchet step one of a key row; they stayed in the heap and in all eight of the ledger's indexes
 * for good (a scratch run: 99,000 dead rows after 36,000 sends, `last_autovacuum` null), and the
 * planner never had statistics. This looks every `intervalMs` (one cheap read of
 * `pg_stat_user_tables`) and runs `VACUUM (ANALYZE)` on each table past its threshold, one at a
 * time: 1,000 + 20 % of its live rows dead, or changed since its last analyse (autovacuum's rule,
 * with a larger base), looked at every 10 s. Dead versions slow every status step (a step of ten
 * ledger rows took 1.2 ms on a vacuumed ledger of 13,500 rows, 4.2 ms with three dead versions per
 * live row, and kept growing), and a vacuum's own cost (it holds PGlite's one connection) grows
 * with the table, so a fixed count vacuums a large table too often and a small one too late: the
 * rule before (20,000 rows, looked at every 5 minutes) let a busy ledger pile dead versions up for
 * minutes. PostgreSQL servers have their own autovacuum: this runs on PGlite only.
 */
export class PgliteVacuum {
  readonly #orm: Orm;
  readonly #log: VacuumLog;
  readonly #intervalMs: number;
  readonly #minRows: number;
  readonly #scale: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<string[]> | undefined;
  #stopped = false;

  constructor(orm: Orm, log: VacuumLog, options: PgliteVacuumOptions = {}) {
    this.#orm = orm;
    this.#log = log;
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#minRows = options.minRows ?? 1_000;
    this.#scale = options.scale ?? 0.2;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.runNow().catch((err: unknown) => this.#log.warn({ err }, 'vacuuming the embedded database failed')), this.#intervalMs);
    this.#timer.unref();
  }

  /** Vacuums the tables past the threshold now; returns their names. One run at a time. */
  runNow(): Promise<string[]> {
    if (this.#stopped) return Promise.resolve([]);
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Ends the timer and waits for a vacuum under way. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #run(): Promise<string[]> {
    const connection = this.#orm.em.getConnection();
    const tables = await connection.execute<Array<{ relname: string; dead: number | string; changed: number | string }>>(
      `select relname, n_dead_tup as dead, n_mod_since_analyze as changed from pg_stat_user_tables ` +
        `where schemaname = 'public' and greatest(n_dead_tup, n_mod_since_analyze) >= ?::int + ?::float8 * n_live_tup order by n_dead_tup desc`,
      [this.#minRows, this.#scale],
    );
    const done: string[] = [];
    // ANALYZE is most of a vacuum's time here: at PostgreSQL's default (100) it samples 30,000 rows of
    // every column, the ledger's encrypted content included (in a scratch run on ledgers growing to
    // 30,000 rows: ≈ 125 ms of a 140 ms vacuum on average, 430 ms at most, holding PGlite's one
    // connection); at 10 it samples 3,000 (≈ 30 ms, vacuums under 65 ms), which is all the planner
    // needs for this schema's index lookups. Only ANALYZE reads it, and on PGlite only this runs one.
    if (tables.length) await connection.execute('set default_statistics_target = 10');
    for (const { relname, dead, changed } of tables) {
      if (this.#stopped) break;
      const started = Date.now();
      await connection.execute(`vacuum (analyze) "${relname.replaceAll('"', '""')}"`);
      this.#log.info({ table: relname, deadRows: Number(dead), changedRows: Number(changed), ms: Date.now() - started }, 'vacuumed a table of the embedded database');
      done.push(relname);
    }
    return done;
  }
}
