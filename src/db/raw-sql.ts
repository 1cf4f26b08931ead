import { type messages as wire, type PGlite, protocol, types } from '@electric-sql/pglite';
import type { Logger } from '@mikro-orm/core';
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
  let prepared: Promise<PglitePrepared> | undefined;
  rawSqls.set(orm, {
    all: async (sql, params) => {
      prepared ??= pglite().then(
        (pg) => new PglitePrepared(pg, orm.config.getLogger()),
        (err: unknown) => {
          prepared = undefined;
          throw err;
        },
      );
      return (await prepared).all(sql, params);
    },
  });
}

// A batch's statement text differs with its row count, so not every statement comes back; the
// least recently used are closed beyond this many.
const MAX_PREPARED = 200;

/** One parameter as PostgreSQL's text format spells it; bytes go as they are (PGlite: binary format, bytea only; pg: hex). */
function param(value: unknown): string | Uint8Array | null {
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
const numbered = (sql: string) => {
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

// The messages after Bind never change: made once.
const DESCRIBE_PORTAL = protocol.serialize.describe({ type: 'P' });
const EXECUTE = protocol.serialize.execute({});
const SYNC = protocol.serialize.sync();

/**
 * A Bind message of the unnamed portal to statement `name`, results in text. PGlite's serializer
 * makes the same bytes through a growing buffer of private fields and copies every byte value
 * twice; this sizes the message first and writes it once (≈ 3 % of a PGlite backlog drain's CPU was
 * PGlite's bind serializer). Bytes go in binary format, everything else as text.
 */
function bindMessage(name: string, params: readonly unknown[]): Uint8Array {
  const values = params.map(param);
  const encoded = values.map((v) => (v === null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v));
  const nameBytes = Buffer.byteLength(name, 'utf8');
  // portal "" + NUL, name + NUL, format codes, parameter values, result format codes (none: text)
  let length = 4 + 1 + nameBytes + 1 + 2 + 2 * values.length + 2 + 2;
  for (const e of encoded) length += 4 + (e ? e.byteLength : 0);
  const out = Buffer.allocUnsafe(1 + length);
  let at = out.writeUInt8(0x42, 0);
  at = out.writeInt32BE(length, at);
  at = out.writeUInt8(0, at);
  at += out.write(name, at, 'utf8');
  at = out.writeUInt8(0, at);
  at = out.writeInt16BE(values.length, at);
  for (const v of values) at = out.writeInt16BE(v instanceof Uint8Array ? 1 : 0, at);
  at = out.writeInt16BE(values.length, at);
  for (const e of encoded) {
    if (e === null) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    at = out.writeInt32BE(e.byteLength, at);
    out.set(e, at);
    at += e.byteLength;
  }
  out.writeInt16BE(0, at);
  return out;
}

class PglitePrepared implements RawSql {
  readonly #pg: PGlite;
  /** Statement text (as written, `?` placeholders) → its name, least recently used first. */
  readonly #names = new Map<string, string>();
  /** Prepared under a name but not usable (evicted, or its first run failed): closed with the next statement. */
  #toClose: string[] = [];
  #next = 0;
  readonly #parsers: PGlite['parsers'];
  /** MikroORM's: statements are logged as its own are (`debug`), which the tests that count statements read. */
  readonly #logger: Logger;

  constructor(pg: PGlite, logger: Logger) {
    this.#pg = pg;
    this.#logger = logger;
    // PGlite's defaults under the instance's own, as its query() looks them up.
    this.#parsers = { ...types.parsers, ...pg.parsers, 17: (hex: string) => Buffer.from(hex.slice(2), 'hex') };
  }

  async all<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    // Keyed by the text as written: numbering a batch's hundreds of placeholders again for every run cost more than the lookup.
    const known = this.#names.get(sql);
    const name = known ?? `wamux_${this.#next++}`;
    const messages: Uint8Array[] = this.#toClose.map((old) => protocol.serialize.close({ type: 'S', name: old }));
    this.#toClose = [];
    if (!known) messages.push(protocol.serialize.parse({ name, text: numbered(sql) }));
    messages.push(bindMessage(name, params), DESCRIBE_PORTAL, EXECUTE, SYNC);
    // PGlite's own query() holds both locks: no statement lands inside another caller's transaction.
    const run = () => this.#pg._runExclusiveTransaction(() => this.#pg._runExclusiveQuery(() => this.#pg.execProtocol(Buffer.concat(messages))));
    const started = Date.now();
    let result: Awaited<ReturnType<PGlite['execProtocol']>>;
    try {
      result = await run();
    } catch (err) {
      // A failed first run may still have prepared the name (the bind or the execution failed).
      if (!known) this.#toClose.push(name);
      if (this.#logger.isEnabled('query')) this.#logger.logQuery({ query: sql, params: [...params], took: Date.now() - started, level: 'error' });
      throw err;
    }
    this.#remember(sql, name);
    const rows = this.#rows<T>(result.messages);
    if (this.#logger.isEnabled('query')) this.#logger.logQuery({ query: sql, params: [...params], took: Date.now() - started, results: rows.length, level: 'info' });
    return rows;
  }

  /** The rows of one statement's answer, each field parsed as PGlite's own query() would. */
  #rows<T>(messages: readonly wire.BackendMessage[]): T[] {
    let fields: Array<{ name: string; parse: ((text: string, type: number) => unknown) | undefined; type: number }> = [];
    const rows: T[] = [];
    for (const message of messages) {
      if (message.name === 'rowDescription') {
        fields = (message as wire.RowDescriptionMessage).fields.map((f) => ({ name: f.name, parse: this.#parsers[f.dataTypeID], type: f.dataTypeID }));
      } else if (message.name === 'dataRow') {
        const values = (message as wire.DataRowMessage).fields;
        const row: Record<string, unknown> = {};
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]!;
          const value = values[i] ?? null;
          row[field.name] = value === null || !field.parse ? value : field.parse(value, field.type);
        }
        rows.push(row as T);
      }
    }
    return rows;
  }

  /** Marks `name` the most recently used for `text`; closes what falls out. */
  #remember(text: string, name: string): void {
    const held = this.#names.get(text);
    // Two first runs of one text at once prepared it twice: the later name goes.
    if (held !== undefined && held !== name) this.#toClose.push(name);
    this.#names.delete(text);
    this.#names.set(text, held ?? name);
    if (this.#names.size <= MAX_PREPARED) return;
    const [oldest] = this.#names;
    this.#names.delete(oldest![0]);
    this.#toClose.push(oldest![1]);
  }
}
