/**
 * `npm run build:console`: builds the web console (console/) with Vite into console/dist, which the
 * gateway serves at /console. With `--if-stale` (what `./wamux start` and `npm start` run) it
 * builds only when the sources changed since the last build — a hash of every file under console/
 * (dist excepted) and of package-lock.json, kept in dist/.source-hash — and a failure is a warning:
 * the gateway starts anyway, its API does not need the console.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_DIST } from '../src/http/console.route.ts';

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));
const LOCKFILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));
const STAMP = join(CONSOLE_DIST, '.source-hash');

/** What the built console depends on: its sources, its config, and the installed dependency versions. */
export async function consoleSourceHash(): Promise<string> {
  const entries = await readdir(CONSOLE_DIR, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    // What is not under dist/ (the build's own output).
    .filter((path) => relative(CONSOLE_DIST, path).startsWith('..'))
    .sort();
  const hash = createHash('sha256');
  for (const file of [...files, LOCKFILE]) {
    hash.update(relative(CONSOLE_DIR, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Builds unless `ifStale` and the last build is of these very sources. Resolves with what it did. */
export async function buildConsole(options: { ifStale?: boolean } = {}): Promise<'fresh' | 'built'> {
  const hash = await consoleSourceHash();
  if (options.ifStale && (await readFile(STAMP, 'utf8').catch(() => '')) === hash) return 'fresh';
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('Vite is not installed (a dev dependency): run `npm ci` to build the web console');
  }
  await vite.build({ configFile: join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  await writeFile(STAMP, hash);
  return 'built';
}

if (import.meta.main) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    const result = await buildConsole({ ifStale });
    if (result === 'built') process.stderr.write(`wamux: web console built into ${relative(process.cwd(), CONSOLE_DIST)}\n`);
  } catch (err) {
    process.stderr.write(`wamux: the web console could not be built: ${(err as Error).message}\n`);
    // At start a missing console is no reason not to run the gateway; `npm run build:console` fails loudly.
    process.exitCode = ifStale ? 0 : 1;
  }
}
