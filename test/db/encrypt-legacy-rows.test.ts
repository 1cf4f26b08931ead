import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { AuthCreds } from '../../src/db/auth-creds.entity.ts';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { bufferJsonCodec, encryptedCodec, isEncrypted } from '../../src/db/auth-value.codec.ts';
import { BootTask } from '../../src/db/boot-task.entity.ts';
import { ENCRYPT_LEGACY_ROWS_TASK, encryptLegacyAuthRows } from '../../src/db/encrypt-legacy-rows.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';

// Creds and keys written before encryption at rest are rewritten once per database, and a boot
// after that reads no key rows at all (it used to page through every one of them at every boot).
const codec = encryptedCodec(randomBytes(32));
const BOOT_TASK_MIGRATION = 'Migration20261202043000_boot_task';
const INSTANCES = 4;
const KEYS_PER_INSTANCE = 300;

const db = useLoggedTestOrm();

/** Statements since `from` that touch the creds or key tables. */
const authStatements = (from: number) => db.queries.slice(from).filter((q) => /"auth_(key|creds)"/.test(q));
const rawValues = async () => {
  const em = db.orm.em.fork();
  return [...(await em.find(AuthCreds, {})), ...(await em.find(AuthKey, {}))].map((r) => Buffer.from(r.value));
};

describe('encryptLegacyAuthRows', () => {
  test('a fresh database is marked done by its migration and never scanned', async () => {
    expect(await db.orm.em.fork().findOne(BootTask, { name: ENCRYPT_LEGACY_ROWS_TASK })).not.toBeNull();
    const from = db.queries.length;
    expect(await encryptLegacyAuthRows(db.orm, codec)).toBe(0);
    expect(authStatements(from)).toEqual([]);
  });

  test('a database from before encryption gets its plaintext rows encrypted once, and later boots read no key rows', async () => {
    // A database as an older gateway left it: migrated up to before boot_task, with plaintext rows.
    const executed = (await db.orm.migrator.getExecuted()).map((m) => m.name);
    await db.orm.migrator.down({ to: executed[executed.indexOf(BOOT_TASK_MIGRATION) - 1]! });
    const repo = new InstanceRepository(db.orm);
    const ids: string[] = [];
    for (let i = 0; i < INSTANCES; i++) ids.push((await repo.create({ name: `legacy-${randomUUID()}` })).id);
    const plaintext = new Map<string, unknown>();
    const keyRows = ids.flatMap((instance) =>
      Array.from({ length: KEYS_PER_INSTANCE }, (_, k) => {
        const value = { keyPair: { private: randomBytes(32), public: randomBytes(32) }, keyId: k };
        plaintext.set(`${instance}/${k}`, value);
        // Half of one instance's keys were already rewritten by an earlier, interrupted pass.
        const encoded = instance === ids[0] && k % 2 ? codec.encode(value) : bufferJsonCodec.encode(value);
        return { instance, type: 'pre-key', keyId: String(k), value: encoded };
      }),
    );
    const em = db.orm.em.fork();
    await em.createQueryBuilder(AuthKey).insert(keyRows).execute();
    await em.createQueryBuilder(AuthCreds).insert(ids.map((instance) => ({ instance, value: bufferJsonCodec.encode({ noiseKey: instance }), updatedAt: new Date() }))).execute();
    await db.orm.migrator.up();
    expect(await db.orm.em.fork().findOne(BootTask, { name: ENCRYPT_LEGACY_ROWS_TASK })).toBeNull();

    // Small pages, so the keyset paging crosses instances and skips the encrypted rows.
    const plainRows = INSTANCES + INSTANCES * KEYS_PER_INSTANCE - KEYS_PER_INSTANCE / 2;
    expect(await encryptLegacyAuthRows(db.orm, codec, 37)).toBe(plainRows);
    const after = await rawValues();
    expect(after).toHaveLength(INSTANCES + INSTANCES * KEYS_PER_INSTANCE);
    expect(after.every(isEncrypted)).toBe(true);
    for (const key of await db.orm.em.fork().find(AuthKey, {})) expect(codec.decode(key.value)).toEqual(plaintext.get(`${key.instance}/${key.keyId}`));
    for (const creds of await db.orm.em.fork().find(AuthCreds, {})) expect(codec.decode(creds.value)).toEqual({ noiseKey: creds.instance });

    // The next boots: one lookup of the marker, not one statement on the key tables.
    const from = db.queries.length;
    expect(await encryptLegacyAuthRows(db.orm, codec)).toBe(0);
    expect(await encryptLegacyAuthRows(db.orm, codec)).toBe(0);
    expect(authStatements(from)).toEqual([]);
    expect(db.queries.slice(from).filter((q) => /"boot_task"/.test(q))).toHaveLength(2);
  });
});
