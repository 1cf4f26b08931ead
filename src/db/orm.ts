import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MikroORM, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PostgreSqlMikroORM, type AbstractSqlDriver, type SqlEntityManager } from '@mikro-orm/postgresql';
import type { DatabaseConfig } from '../config.ts';
import { entities } from './entities.ts';
import { seedFromTemplate } from './pglite-template.ts';
import { useBindParameters, usePreparedStatements } from './raw-sql.ts';

/** The ORM as the rest of the app sees it: the same SQL API whichever driver is underneath. */
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

export type CreateOrmOptions = {
  /** Logs every SQL statement. */
  debug?: boolean;
  /** Where MikroORM's own lines (applied migrations, warnings) go; the console by default. */
  logger?: (message: string) => void;
  /** Hears what takes a while (creating the embedded database), for a progress line. */
  progress?: (message: string) => void;
};

// Resolved from this file, not the working directory, so the gateway finds its migrations
// wherever it is started from.
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Database name inside the embedded PGlite cluster: when `driverOptions.dataDir` is a directory,
 * MikroORM's PGlite driver selects a database inside that cluster by `dbName`.
 */
const PGLITE_DB_NAME = 'wamux';

/**
 * Connects to the configured database and applies pending migrations before anything can use it.
 * The caller owns the result and must `close()` it: a PGlite or pg pool otherwise keeps the
 * process alive.
 */
export async function createOrm(database: DatabaseConfig, opts: CreateOrmOptions = {}): Promise<Orm> {
  if (database.kind === 'pglite') {
    const seeded = await seedFromTemplate(database.dataDir);
    if (seeded === 'template') opts.progress?.('first boot: embedded database created from the install-time template');
    if (seeded === 'none') opts.progress?.('first boot: creating the embedded database (no install-time template; this takes 10 to 30 s)…');
  }
  const orm = await initOrm(database, opts);
  try {
    await orm.migrator.up();
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

/**
 * PostgreSQL settings of the embedded database, on top of PGlite's own. PGlite keeps the whole
 * server in WebAssembly memory, and PostgreSQL's default 128 MB of shared buffers are allocated
 * and touched at start: with 32 MB an idle gateway holds ≈ 100 MiB less. The gateway's working
 * set (creds, the keys Baileys' cache misses, recent ledger rows) fits, and what does not is read
 * back from the data directory through the OS page cache.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

/** Connects without migrating: for the migration script and for admin statements in tests. */
export async function initOrm(database: DatabaseConfig, opts: CreateOrmOptions = {}): Promise<Orm> {
  const common = {
    entities,
    extensions: [Migrator],
    debug: opts.debug ?? false,
    ...(opts.logger ? { logger: opts.logger } : {}),
    // Log lines go into JSON logs (pino), where terminal colour codes are noise.
    colors: false,
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      emit: 'ts',
      // The generated SQL is the schema of record; a snapshot file would be rewritten on every
      // boot (into the source tree) and could drift from it. New migrations diff against a
      // database migrated to head instead (scripts/create-migration.ts).
      snapshot: false,
      snapshotOnMigrate: false,
    },
  } satisfies Partial<Options>;

  if (database.kind === 'pglite') {
    await mkdir(database.dataDir, { recursive: true });
    // With a real `dataDir` MikroORM treats `dbName` as a database inside that cluster, which
    // the migrator creates on first start.
    // Loaded only when PGlite is the database: a gateway on PostgreSQL never needs them.
    const [{ PGlite }, { MikroORM: PgliteMikroORM }] = await Promise.all([import('@electric-sql/pglite'), import('@mikro-orm/pglite')]);
    const orm = await PgliteMikroORM.init({
      ...common,
      dbName: PGLITE_DB_NAME,
      driverOptions: { dataDir: database.dataDir, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])] },
    });
    // Asked for on first use: on a first boot the database exists only once the migrator made it.
    usePreparedStatements(orm, () => orm.em.getConnection().getNativeClient());
    return orm;
  }
  const orm = await PostgreSqlMikroORM.init({ ...common, clientUrl: database.url });
  useBindParameters(orm, () => orm.em.getConnection().getNativeClient());
  return orm;
}

/** One statement on the PostgreSQL database named in `url` (create or drop a database), through the app's driver. */
export async function executeOnServer(url: string, sql: string): Promise<void> {
  const admin = await initOrm({ kind: 'postgresql', url }, { logger: () => {} });
  try {
    await admin.em.getConnection().execute(sql);
  } finally {
    await admin.close(true);
  }
}
