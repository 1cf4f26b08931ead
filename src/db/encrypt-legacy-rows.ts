import { AuthCreds } from './auth-creds.entity.ts';
import { AuthKey } from './auth-key.entity.ts';
import { bufferJsonCodec, type AuthValueCodec } from './auth-value.codec.ts';
import { BootTask } from './boot-task.entity.ts';
import type { Orm } from './orm.ts';

export const ENCRYPT_LEGACY_ROWS_TASK = 'encrypt-legacy-auth-rows';

/** `substring(value, 1, 4) <> 'WMX1'` (auth-value.codec.ts' marker): plaintext rows only, filtered by the database. */
const PLAINTEXT = `substring("value" from 1 for 4) <> '\\x574d5831'::bytea`;

type Row = { instance_id: string; type?: string; key_id?: string; value: Uint8Array };

/**
 * Rewrites creds and keys stored before encryption at rest existed, once per database: a
 * `boot_task` row records that it is done, so later boots cost one primary-key lookup instead of
 * reading every key row (22.8 s at 100 instances with the old per-boot scan). Fresh databases get the
 * row from their migration and never run it. Every write since encryption exists is encrypted, so
 * nothing can need it again; plaintext rows still read fine if some ever appear (a downgrade).
 *
 * The pass pages by primary key (keyset, not OFFSET) over the plaintext rows only, each page one
 * statement to read and one upsert to write. It is idempotent: a crash half way leaves the task
 * undone, and the next boot continues with the rows still plaintext.
 */
export async function encryptLegacyAuthRows(orm: Orm, codec: AuthValueCodec, batch = 500): Promise<number> {
  if (await orm.em.fork().findOne(BootTask, { name: ENCRYPT_LEGACY_ROWS_TASK })) return 0;
  let migrated = 0;

  let afterCreds: string | undefined;
  for (;;) {
    const rows = await select(orm, `select "instance_id", "value" from "auth_creds" where ${PLAINTEXT}${afterCreds ? ` and "instance_id" > ?` : ''} order by "instance_id" limit ${batch}`, afterCreds ? [afterCreds] : []);
    if (rows.length === 0) break;
    await orm.em.fork().transactional(async (em) => {
      for (const row of rows) await em.nativeUpdate(AuthCreds, { instance: row.instance_id }, { value: reencode(codec, row.value) });
    });
    migrated += rows.length;
    afterCreds = rows.at(-1)!.instance_id;
  }

  let afterKey: [string, string, string] | undefined;
  for (;;) {
    const rows = await select(
      orm,
      `select "instance_id", "type", "key_id", "value" from "auth_key" where ${PLAINTEXT}${afterKey ? ` and ("instance_id", "type", "key_id") > (?, ?, ?)` : ''} order by "instance_id", "type", "key_id" limit ${batch}`,
      afterKey ?? [],
    );
    if (rows.length === 0) break;
    const encrypted = rows.map((r) => ({ instance: r.instance_id, type: r.type!, keyId: r.key_id!, value: reencode(codec, r.value) }));
    await orm.em.fork().createQueryBuilder(AuthKey).insert(encrypted).onConflict(['instance', 'type', 'keyId']).merge(['value']).execute();
    migrated += rows.length;
    const last = rows.at(-1)!;
    afterKey = [last.instance_id, last.type!, last.key_id!];
  }

  await orm.em.fork().upsert(BootTask, { name: ENCRYPT_LEGACY_ROWS_TASK, doneAt: new Date() });
  return migrated;
}

const select = (orm: Orm, sql: string, params: unknown[]) => orm.em.getConnection().execute<Row[]>(sql, params, 'all');

const reencode = (codec: AuthValueCodec, value: Uint8Array) => codec.encode(bufferJsonCodec.decode(value));
