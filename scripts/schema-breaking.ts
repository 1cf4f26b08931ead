/**
 * `npm run schema:breaking [-- <git rev>]`: what the schema in the working tree would break for
 * clients generated from `schema.graphql` at <rev> (default `main`). Exits 1 on a breaking change.
 * A field or enum value that changes gets the new one next to it and `deprecationReason:
 * 'Use `newName`.'` (the schema quality test checks the wording) instead of a silent rename, and
 * goes away only in a release that says so.
 */
import { execFileSync } from 'node:child_process';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { printSchemaSdl } from '../src/schema/index.ts';

const rev = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'main';
let previousSdl: string;
try {
  previousSdl = execFileSync('git', ['show', `${rev}:schema.graphql`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch {
  process.stderr.write(`no schema.graphql at ${rev}: nothing to compare\n`);
  process.exit(0);
}

const previous = buildSchema(previousSdl);
const current = buildSchema(printSchemaSdl());
const breaking = findBreakingChanges(previous, current);
const dangerous = findDangerousChanges(previous, current);
for (const change of breaking) process.stdout.write(`BREAKING  ${change.type}: ${change.description}\n`);
for (const change of dangerous) process.stdout.write(`dangerous ${change.type}: ${change.description}\n`);
process.stdout.write(`${breaking.length} breaking, ${dangerous.length} dangerous change(s) against ${rev}\n`);
process.exit(breaking.length ? 1 : 0);
