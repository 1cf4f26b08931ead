/**
 * Writes the next migration into src/db/migrations by diffing the entities against a throwaway
 * PGlite database migrated to head. Usage: node scripts/create-migration.ts [name]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initOrm } from '../src/db/orm.ts';

const name = process.argv[2];
const dataDir = await mkdtemp(join(tmpdir(), 'wamux-migration-'));
try {
  const orm = await initOrm({ kind: 'pglite', dataDir });
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(undefined, false, false, name);
    console.log(result.fileName ? `created ${result.fileName}` : 'schema is up to date; nothing to create');
  } finally {
    await orm.close();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
