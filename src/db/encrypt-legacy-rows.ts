import { AuthCreds } from './auth-creds.entity.ts';
import { AuthKey } from './auth-key.entity.ts';
import { bufferJsonCodec, isEncrypted, type AuthValueCodec } from './auth-value.codec.ts';
import type { Orm } from './orm.ts';

/**
 * Rewrites creds and keys stored before encryption at rest was enabled, in batches, each batch one
 * transaction. Idempotent: encrypted rows are skipped, so it runs at every boot at the cost of a scan.
 */
export async function encryptLegacyAuthRows(orm: Orm, codec: AuthValueCodec, batch = 500): Promise<number> {
  let migrated = 0;
  const tables = [
    { entity: AuthCreds, orderBy: { instance: 'asc' } },
    { entity: AuthKey, orderBy: { instance: 'asc', type: 'asc', keyId: 'asc' } },
  ] as const;
  for (const { entity, orderBy } of tables) {
    let offset = 0;
    for (;;) {
      const em = orm.em.fork();
      // Paging by primary key is stable here: only values change, never keys.
      const rows = (await em.find(entity as typeof AuthKey, {}, { limit: batch, offset, orderBy: orderBy as never })) as Array<{ value: Buffer }>;
      if (rows.length === 0) break;
      let changed = 0;
      for (const row of rows) {
        if (isEncrypted(row.value)) continue;
        row.value = codec.encode(bufferJsonCodec.decode(row.value));
        changed++;
      }
      if (changed) await em.flush();
      migrated += changed;
      offset += rows.length;
    }
  }
  return migrated;
}
