import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Creating an embedded PGlite database (initdb inside WebAssembly, then the migrations) takes 10 to
 * 30 s on a small machine, and used to be most of a first boot. The same empty, migrated database
 * is made once at install time (`npm ci` runs scripts/pglite-template.ts) under node_modules/.cache;
 * a first boot copies it, which takes a fraction of a second. Without a template (install scripts
 * skipped) the database is created in place as before, with a progress line.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function pgliteVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The migrations a template was made with, as a short hash of their names and contents: a checkout
 * whose migrations changed since `npm ci` (a pull, a branch switch) must not copy a cluster that
 * lacks or half-has them — it finds no template and creates its database in place instead.
 */
export async function migrationsKey(): Promise<string> {
  const dir = join(ROOT, 'src/db/migrations');
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) hash.update(name).update('\0').update(await readFile(join(dir, name))).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** Where this install keeps its template: per PGlite version and migration set, so nothing stale is ever copied. */
export async function pgliteTemplateDir(): Promise<string> {
  return join(ROOT, 'node_modules/.cache/wamux', `pglite-${await pgliteVersion()}-${await migrationsKey()}`);
}

const isEmptyDir = async (dir: string): Promise<boolean> => (await readdir(dir).catch(() => [])).length === 0;

/**
 * Fills an empty data directory from the template. `template` when it did, `existing` for a
 * database that is already there, `none` when there is no template (the caller creates one in place).
 */
export async function seedFromTemplate(dataDir: string): Promise<'template' | 'existing' | 'none'> {
  if (!(await isEmptyDir(dataDir))) return 'existing';
  const template = await pgliteTemplateDir().catch(() => undefined);
  if (!template || (await isEmptyDir(template))) return 'none';
  // Copied beside the target and renamed into place: a crash halfway leaves no half-copied cluster.
  const partial = `${dataDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(template, partial, { recursive: true });
  // cp keeps the template's modes (made under the installer's umask); the cluster holds password hashes.
  await restrictToOwner(partial);
  await mkdir(dirname(dataDir), { recursive: true });
  try {
    await rm(dataDir, { recursive: true, force: true });
    await rename(partial, dataDir);
  } catch {
    // An empty mount point cannot be replaced: fill it instead.
    await cp(partial, dataDir, { recursive: true });
    await rm(partial, { recursive: true, force: true });
  }
  return 'template';
}

/** Builds the template with `create` (which must leave a closed, migrated database in the directory it is given). */
export async function buildTemplate(create: (dataDir: string) => Promise<void>): Promise<string> {
  const template = await pgliteTemplateDir();
  const building = `${template}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  try {
    await create(building);
    await rm(template, { recursive: true, force: true });
    await rename(building, template);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return template;
}

/** chmod -R go-rwx: directories 0700, files 0600. */
async function restrictToOwner(path: string): Promise<void> {
  const info = await stat(path);
  await chmod(path, info.isDirectory() ? 0o700 : 0o600);
  if (info.isDirectory()) for (const entry of await readdir(path)) await restrictToOwner(join(path, entry));
}
