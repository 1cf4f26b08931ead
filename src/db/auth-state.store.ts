import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { AuthCreds } from './auth-creds.entity.ts';
import { AuthKey } from './auth-key.entity.ts';
import { bufferJsonCodec, sessionJson, toJson, type AuthValueCodec } from './auth-value.codec.ts';
import { KeyWriter, type KeyDelete, type KeyRow } from './key-writer.ts';
import type { Orm } from './orm.ts';
import { LOGIN_KEYS_KEPT_MS, loginKeys, type KeyRef } from './login-keys.ts';
import { rawSql, type RawSql } from './raw-sql.ts';

export type DbAuthState = {
  state: AuthenticationState;
  /** Persists `state.creds` as it is when the write runs; calls are applied in order. */
  saveCreds(): Promise<void>;
  /** Deletes the stored creds and every key of the instance (logout); the instance row stays. */
  clear(): Promise<void>;
};

export type DbAuthStateOptions = {
  codec?: AuthValueCodec;
  /** Shared by every instance of the process, so their key writes group into fewer statements. */
  keyWriter?: KeyWriter;
};

type KeyType = keyof SignalDataTypeMap;

/**
 * A Baileys auth state stored through MikroORM. Every operation runs on its own `em.fork()`:
 * hundreds of sessions share one ORM, and an identity map shared between them would grow forever
 * and mix their units of work. It holds no timers; wrap `state.keys` with Baileys'
 * `makeCacheableSignalKeyStore` for a bounded cache of the keys that exist. What it remembers itself
 * is which keys do not exist (see AbsentKeys).
 *
 * The instance row must exist first: the foreign keys reject writes for unknown or deleted
 * instances rather than leaving orphaned key material behind.
 */
export async function createDbAuthState(
  orm: Orm,
  instanceId: string,
  options: DbAuthStateOptions = {},
): Promise<DbAuthState> {
  const codec = options.codec ?? bufferJsonCodec;
  const writer = options.keyWriter ?? new KeyWriter(orm);

  // Raw SQL, as the key reads below: one per session start, and a restore starts hundreds.
  const sql = rawSql(orm);
  const [stored] = await sql.all<{ value: Uint8Array }>('select "value" from "auth_creds" where "instance_id" = ?', [instanceId]);
  const storedJson = stored ? codec.decodeJson(stored.value) : undefined;
  const creds: AuthenticationCreds = storedJson ? (JSON.parse(storedJson, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();

  const absent = new AbsentKeys();
  // Protobuf-typed values must come back as message instances, as Baileys' own stores do.
  const decodeKey = <T extends KeyType>(type: T, bytes: Uint8Array) => {
    const value = codec.decode(bytes);
    return (type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>) : value) as SignalDataTypeMap[T];
  };
  // What the login will ask for, read now in one statement (see loginKeys): each taken once by `get`
  // unless a write of it came first; those not stored are known absent.
  const early = stored ? await readAhead(sql, instanceId, loginKeys(creds), absent) : new Map<string, Uint8Array>();
  if (early.size) setTimeout(() => early.clear(), LOGIN_KEYS_KEPT_MS).unref();

  const keys: SignalKeyStore = {
    async get<T extends KeyType>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      let wanted = ids.filter((id) => !absent.has(type, id));
      if (early.size && wanted.length) {
        wanted = wanted.filter((id) => {
          const bytes = early.get(keyRef(type, id));
          if (!bytes) return true;
          early.delete(keyRef(type, id));
          found[id] = decodeKey(type, bytes);
          return false;
        });
      }
      if (wanted.length === 0) return found;
      const asOf = absent.snapshot(type);

      // Raw SQL: every cache miss of every message reads here, and MikroORM's entity mapping cost more than the query.
      const rows = (
        await sql.all<{ key_id: string; value: Uint8Array }>(
          `select "key_id", "value" from "auth_key" where "instance_id" = ? and "type" = ? and "key_id" in (${wanted.map(() => '?').join(', ')})`,
          [instanceId, type, ...wanted],
        )
      ).map((row) => ({ keyId: row.key_id, value: row.value }));
      const hit = new Set(rows.map((row) => row.keyId));
      // Only when no write ran meanwhile: a miss read before a write's commit must not be remembered.
      if (absent.unchangedSince(type, asOf)) for (const id of wanted) if (!hit.has(id)) absent.add(type, id);
      for (const row of rows) found[row.keyId] = decodeKey(type, row.value);
      return found;
    },

    async set(data: SignalDataSet) {
      const upserts: KeyRow[] = [];
      const deletes: KeyDelete[] = [];
      for (const [type, entries] of Object.entries(data)) {
        const deletedIds: string[] = [];
        for (const [keyId, value] of Object.entries(entries ?? {})) {
          absent.delete(type, keyId);
          early.delete(keyRef(type, keyId));
          if (value == null) deletedIds.push(keyId);
          else upserts.push({ instance: instanceId, type, keyId, value: type === 'session' ? codec.encodeJson(sessionJson(value)) : codec.encode(value) });
        }
        if (deletedIds.length > 0) deletes.push({ type, keyId: { $in: deletedIds } });
      }
      if (upserts.length === 0 && deletes.length === 0) return;
      const types = Object.keys(data);
      absent.writing(types, +1);
      try {
        await writer.write({ instanceId, upserts, deletes });
      } finally {
        absent.writing(types, -1);
      }
    },

    async clear() {
      absent.reset();
      early.clear();
      await writer.inOrder(async () => void (await orm.em.fork().nativeDelete(AuthKey, { instance: instanceId })));
    },
  };

  // Writes are chained so an older snapshot can never land after a newer one when two saves race
  // over different pool connections. The chain itself never rejects; each caller gets its own result.
  // A save that has not started yet writes `creds` as they are when it starts, so a later call joins
  // it instead of queueing another: Baileys emits several `creds.update` in a burst at every login,
  // each of which would otherwise encode and write the whole creds again. And a save of creds equal
  // to the stored ones writes nothing (`written`: the stored row as Baileys' JSON, undefined when
  // unknown): at a restored login the burst carries what was read, an encryption and a round trip
  // for every instance of a restore.
  // The stored text itself: the creds parsed from it turn back into the same text (`toJson`), unless
  // another version wrote it, and then the first save writes them once.
  let written: string | undefined = storedJson;
  let lastSave: Promise<unknown> = Promise.resolve();
  let notStarted: Promise<void> | undefined;
  const saveCreds = (): Promise<void> => {
    if (notStarted) return notStarted;
    const save = lastSave.then(async () => {
      notStarted = undefined;
      const json = toJson(creds);
      if (json === written) return;
      written = undefined;
      await writeCreds(orm, instanceId, codec.encodeJson(json));
      written = json;
    });
    notStarted = save;
    lastSave = save.catch(() => undefined);
    return save;
  };

  const clear = async (): Promise<void> => {
    absent.reset();
    early.clear();
    written = undefined;
    await writer.inOrder(() =>
      orm.em.fork().transactional(async (em) => {
        await em.nativeDelete(AuthKey, { instance: instanceId });
        await em.nativeDelete(AuthCreds, { instance: instanceId });
      }),
    );
  };

  return { state: { creds, keys }, saveCreds, clear };
}

const keyRef = (type: string, id: string) => `${type}\u0000${id}`;

/** Reads `refs` in one statement: the stored ones' bytes by `keyRef`; the others are added to `absent`. */
async function readAhead(sql: RawSql, instanceId: string, refs: readonly KeyRef[], absent: AbsentKeys): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (refs.length === 0) return found;
  const rows = await sql.all<{ type: string; key_id: string; value: Uint8Array }>(
    `select "type", "key_id", "value" from "auth_key" where "instance_id" = ? and ("type", "key_id") in (${refs.map(() => '(?, ?)').join(', ')})`,
    [instanceId, ...refs.flatMap((r) => [r.type, r.id])],
  );
  for (const row of rows) found.set(keyRef(row.type, row.key_id), row.value);
  for (const r of refs) if (!found.has(keyRef(r.type, r.id))) absent.add(r.type, r.id);
  return found;
}

async function writeCreds(orm: Orm, instanceId: string, value: Buffer): Promise<void> {
  await rawSql(orm).all(
    'insert into "auth_creds" ("instance_id", "value", "updated_at") values (?, ?, ?) on conflict ("instance_id") do update set "value" = excluded."value", "updated_at" = excluded."updated_at"',
    [instanceId, value, new Date()],
  );
}

/**
 * Keys known not to be stored. Baileys asks for some keys with every message that usually do not
 * exist (trusted-contact tokens, `tctoken`, three lookups per message), and its cacheable store
 * caches only hits, so without this every message costs those queries. Safe because this store is
 * the only writer of its instance's keys: every `set` forgets what it writes. Bounded per instance.
 */
export class AbsentKeys {
  private readonly keys = new Set<string>();
  private readonly max: number;
  /** Per key type: bumped by every write, and the writes in flight; tells a read whether one overlapped it. */
  private readonly epochs = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private generation = 0;

  constructor(max = 256) {
    this.max = max;
  }

  has(type: string, id: string): boolean {
    return this.keys.has(`${type}\u0000${id}`);
  }

  add(type: string, id: string): void {
    this.keys.add(`${type}\u0000${id}`);
    // Oldest first out: a Set iterates in insertion order.
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
  }

  delete(type: string, id: string): void {
    this.keys.delete(`${type}\u0000${id}`);
  }

  reset(): void {
    this.keys.clear();
    this.generation++;
  }

  writing(types: readonly string[], delta: 1 | -1): void {
    for (const type of types) {
      this.epochs.set(type, (this.epochs.get(type) ?? 0) + 1);
      const n = (this.inFlight.get(type) ?? 0) + delta;
      if (n > 0) this.inFlight.set(type, n);
      else this.inFlight.delete(type);
    }
  }

  /** Taken before a read; `unchangedSince` after it says whether the read's misses may be remembered. */
  snapshot(type: string): string | null {
    return this.inFlight.has(type) ? null : `${this.generation}:${this.epochs.get(type) ?? 0}`;
  }

  unchangedSince(type: string, snapshot: string | null): boolean {
    return snapshot !== null && !this.inFlight.has(type) && snapshot === `${this.generation}:${this.epochs.get(type) ?? 0}`;
  }
}
