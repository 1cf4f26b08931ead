import type { PGlite } from '@electric-sql/pglite';
import type { Orm } from './orm.ts';

/**
 * The hot statements' way to the database (ledger inserts and status steps, the send queue's read,
 * Signal key reads and writes, the webhook dispatcher's read): SQL with `?` placeholders, rows as
 * the driver parses them.
 *
 * MikroORM's `execute` writes the parameters into the SQL text (its formatter walks the statement
 * and escapes each value; a Signal session of a few KB becomes a hex literal for PostgreSQL to lex).
 * On PostgreSQL the statement goes to `pg` with its parameters apart instead (bind parameters, on
 * MikroORM's own pool): in the restore benchmark's profile MikroORM's formatting and wrapping were
 * ≈ 1 ms of CPU per restored login. On PGlite, where every statement costs the gateway's own CPU,
 * PGlite also parses and plans that text, and makes six calls into WebAssembly, each time. There
 * each statement is prepared once under a name and then only bound and executed, in one call, with
 * byte values passed as they are (binary) and read back with Node's hex decoder instead of PGlite's
 * byte-by-byte one: 2–4× less CPU per statement (measured in a scratch bench on this box).
 * Statements are logged as MikroORM logs its own (`debug`), which the tests that count statements read.
 */
export interface RawSql {
  /** Runs one statement outside any transaction and returns its rows (none for a statement without RETURNING). */
  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const rawSqls = new WeakMap<Orm, RawSql>();

/** The hot statements' runner of this ORM (created with it in `initOrm`). */
export function rawSql(orm: Orm): RawSql {
  let sql = rawSqls.get(orm);
  if (!sql) {
    sql = { all: (text, params = []) => orm.em.getConnection().execute(text, [...params], 'all') };
    rawSqls.set(orm, sql);
  }
  return sql;
}

/** What of a `pg` Pool this needs (pg ships no types of its own). */
interface PgPool {
  query<T>(text: string, values: unknown[]): Promise<{ rows: T[] }>;
}

/** Makes `orm` run its hot statements on the `pg` pool underneath, with bind parameters. */
export function useBindParameters(orm: Orm, pool: () => Promise<unknown>): void {
  const logger = orm.config.getLogger();
  rawSqls.set(orm, {
    all: async <T extends object>(sql: string, params: readonly unknown[] = []) => {
      const started = Date.now();
      try {
        const { rows } = await ((await pool()) as PgPool).query<T>(numbered(sql), params.map(param));
        if (logger.isEnabled('query')) logger.logQuery({ query: sql, params: [...params], took: Date.now() - started, results: rows.length, level: 'info' });
        return rows;
      } catch (err) {
        if (logger.isEnabled('query')) logger.logQuery({ query: sql, params: [...params], took: Date.now() - started, level: 'error' });
        throw err;
      }
    },
  });
}

/** Makes `orm` run its hot statements through named prepared statements on the PGlite underneath. */
export function usePreparedStatements(orm: Orm, pglite: () => Promise<PGlite>): void {
  let prepared: Promise<RawSql> | undefined;
  rawSqls.set(orm, {
    all: async (sql, params) => {
      // PGlite's protocol code is loaded with the first statement: a gateway on PostgreSQL never loads it.
      prepared ??= Promise.all([import('./pglite-prepared.ts'), pglite()]).then(
        ([{ PglitePrepared }, pg]) => new PglitePrepared(pg, orm.config.getLogger()),
        (err: unknown) => {
          prepared = undefined;
          throw err;
        },
      );
      return (await prepared).all(sql, params);
    },
  });
}

/** One parameter as PostgreSQL's text format spells it; bytes go as they are (PGlite: binary format, bytea only; pg: hex). */
export function param(value: unknown): string | Uint8Array | null {
  if (value == null) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Statement texts renumbered lately: at most this many kept (the oldest go first). */
const MAX_NUMBERED = 500;
const numberedTexts = new Map<string, string>();

/**
 * `?` placeholders as `$1`, `$2`, …, each text renumbered once. The hot statements' texts come from
 * `byRowCount`, the same string each time, whose hash V8 keeps: looking one up here is then cheap,
 * where renumbering ran a callback per parameter (a batch insert has hundreds).
 */
export const numbered = (sql: string) => {
  let text = numberedTexts.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numberedTexts.size >= MAX_NUMBERED) numberedTexts.delete(numberedTexts.keys().next().value!);
    numberedTexts.set(sql, text);
  }
  return text;
};

/** Row counts whose statement text `byRowCount` keeps; larger batches build theirs each time. */
const MAX_KEPT_ROWS = 128;

/**
 * A statement whose text depends only on how many rows it carries (a batch insert, a group commit's
 * steps), built once per row count: the status steps and inserts of every send built a text of
 * 1–3 KB each time (≈ 0.7 % of a PostgreSQL send's CPU for the steps alone), and the same string
 * every time lets `numbered` look it up instead of renumbering it.
 */
export function byRowCount(build: (rows: number) => string): (rows: number) => string {
  const texts: string[] = [];
  return (rows) => (rows > MAX_KEPT_ROWS ? build(rows) : (texts[rows] ??= build(rows)));
}
