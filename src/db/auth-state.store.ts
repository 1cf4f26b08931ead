import {
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
import { bufferJsonCodec, type AuthValueCodec } from './auth-value.codec.ts';
import type { Orm } from './orm.ts';

export type DbAuthState = {
  state: AuthenticationState;
  /** Persists `state.creds` as it is when the write runs; calls are applied in order. */
  saveCreds(): Promise<void>;
  /** Deletes the stored creds and every key of the instance (logout); the instance row stays. */
  clear(): Promise<void>;
};

export type DbAuthStateOptions = { codec?: AuthValueCodec };

type KeyType = keyof SignalDataTypeMap;
type KeyRow = { instance: string; type: string; keyId: string; value: Buffer };

// 4 bind parameters per row keeps one statement far below PostgreSQL's 65,535-parameter limit even
// for Baileys' largest writes (a full pre-key upload is a few hundred rows).
const UPSERT_CHUNK_ROWS = 1_000;

/**
 * A Baileys auth state stored through MikroORM. Every operation runs on its own `em.fork()`:
 * hundreds of sessions share one ORM, and an identity map shared between them would grow forever
 * and mix their units of work. It holds no timers and no cache; wrap `state.keys` with Baileys'
 * `makeCacheableSignalKeyStore` if a bounded cache is wanted.
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

  const stored = await orm.em.fork().findOne(AuthCreds, { instance: instanceId });
  const creds: AuthenticationCreds = stored ? (codec.decode(stored.value) as AuthenticationCreds) : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends KeyType>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return found;

      const rows = await orm.em
        .fork()
        .find(AuthKey, { instance: instanceId, type, keyId: { $in: ids } }, { fields: ['keyId', 'value'] });
      for (const row of rows) {
        const value = codec.decode(row.value);
        // Protobuf-typed values must come back as message instances, as Baileys' own stores do.
        found[row.keyId] = (
          type === 'app-state-sync-key'
            ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
            : value
        ) as SignalDataTypeMap[T];
      }
      return found;
    },

    async set(data: SignalDataSet) {
      const upserts: KeyRow[] = [];
      const deletes: { type: string; keyId: { $in: string[] } }[] = [];
      for (const [type, entries] of Object.entries(data)) {
        const deletedIds: string[] = [];
        for (const [keyId, value] of Object.entries(entries ?? {})) {
          if (value == null) deletedIds.push(keyId);
          else upserts.push({ instance: instanceId, type, keyId, value: codec.encode(value) });
        }
        if (deletedIds.length > 0) deletes.push({ type, keyId: { $in: deletedIds } });
      }
      if (upserts.length === 0 && deletes.length === 0) return;

      // One transaction per call: Baileys commits a whole Signal ratchet step (session, pre-key
      // removal, sender keys) in one `set`, and a half-applied step corrupts the session.
      await orm.em.fork().transactional(async (em) => {
        if (deletes.length > 0) {
          await em.nativeDelete(AuthKey, { instance: instanceId, $or: deletes });
        }
        for (let i = 0; i < upserts.length; i += UPSERT_CHUNK_ROWS) {
          await em
            .createQueryBuilder(AuthKey)
            .insert(upserts.slice(i, i + UPSERT_CHUNK_ROWS))
            .onConflict(['instance', 'type', 'keyId'])
            .merge(['value'])
            .execute();
        }
      });
    },

    async clear() {
      await orm.em.fork().nativeDelete(AuthKey, { instance: instanceId });
    },
  };

  // Writes are chained so an older snapshot can never land after a newer one when two saves race
  // over different pool connections. The chain itself never rejects; each caller gets its own result.
  let lastSave: Promise<unknown> = Promise.resolve();
  const saveCreds = (): Promise<void> => {
    const save = lastSave.then(() => writeCreds(orm, instanceId, codec.encode(creds)));
    lastSave = save.catch(() => undefined);
    return save;
  };

  const clear = async (): Promise<void> => {
    await orm.em.fork().transactional(async (em) => {
      await em.nativeDelete(AuthKey, { instance: instanceId });
      await em.nativeDelete(AuthCreds, { instance: instanceId });
    });
  };

  return { state: { creds, keys }, saveCreds, clear };
}

async function writeCreds(orm: Orm, instanceId: string, value: Buffer): Promise<void> {
  await orm.em
    .fork()
    .createQueryBuilder(AuthCreds)
    .insert({ instance: instanceId, value, updatedAt: new Date() })
    .onConflict('instance')
    .merge(['value', 'updatedAt'])
    .execute();
}
