/**
 * `npm run schema:print`: writes the sorted SDL to schema.graphql (committed; codegen reads it).
 * Builds the schema only: no database, no network. `--check` exits 1 when the file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchemaSdl } from '../src/schema/index.ts';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const sdl = printSchemaSdl();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== sdl) {
    process.stderr.write('schema.graphql is stale: run `npm run schema:print` and commit it\n');
    process.exit(1);
  }
} else {
  await writeFile(target, sdl);
  process.stdout.write(`wrote ${target}\n`);
}
