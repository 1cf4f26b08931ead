import type { Orm } from './orm.ts';

/** What the vacuum reports; the app passes its logger. */
export interface VacuumLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

export interface PgliteVacuumOptions {
  /** How often the tables' dead-row counts are looked at. */
  intervalMs?: number;
  /** A table is vacuumed (and analysed) once this many of its rows are dead or changed since its last analyse. */
  minRows?: number;
}

/**
 * Autovacuum for the embedded database. PGlite runs PostgreSQL as a single-user backend, which has
 * no autovacuum worker: nothing ever vacuumed or analysed it. Every send leaves three dead versions
 * of its ledger row (its status steps change an indexed column, so none is a HOT update) and every
 * ratchet step one of a key row; they stayed in the heap and in all eight of the ledger's indexes
 * for good (a scratch run: 99,000 dead rows after 36,000 sends, `last_autovacuum` null), and the
 * planner never had statistics. This looks every `intervalMs` (one cheap read of
 * `pg_stat_user_tables`) and runs `VACUUM (ANALYZE)` on each table past `minRows`, one at a time.
 * A vacuum holds PGlite's one connection while it runs (≈ 170 ms for 130,000 dead rows on this
 * box), so it waits for a real backlog of them rather than running often. PostgreSQL servers have
 * their own autovacuum: this runs on PGlite only.
 */
export class PgliteVacuum {
  readonly #orm: Orm;
  readonly #log: VacuumLog;
  readonly #intervalMs: number;
  readonly #minRows: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<string[]> | undefined;
  #stopped = false;

  constructor(orm: Orm, log: VacuumLog, options: PgliteVacuumOptions = {}) {
    this.#orm = orm;
    this.#log = log;
    this.#intervalMs = options.intervalMs ?? 5 * 60_000;
    this.#minRows = options.minRows ?? 20_000;
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
      `select relname, n_dead_tup as dead, n_mod_since_analyze as changed from pg_stat_user_tables where schemaname = 'public' and (n_dead_tup >= ? or n_mod_since_analyze >= ?) order by n_dead_tup desc`,
      [this.#minRows, this.#minRows],
    );
    const done: string[] = [];
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
