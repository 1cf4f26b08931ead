import { type messages as wire, type PGlite, protocol, types } from '@electric-sql/pglite';
import type { Logger } from '@mikro-orm/core';
import { numbered, param, type RawSql } from './raw-sql.ts';

/**
 * The hot statements on embedded PGlite (see RawSql): each prepared once under a name, then only
 * bound and executed, in one call. Loaded by `usePreparedStatements` with the first statement.
 */

// A batch's statement text differs with its row count, so not every statement comes back; the
// least recently used are closed beyond this many.
const MAX_PREPARED = 200;

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

export class PglitePrepared implements RawSql {
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
