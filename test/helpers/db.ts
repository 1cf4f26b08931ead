import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConcern, type DatabaseConfig } from '../../src/config.ts';
import { createOrm, executeOnServer, type CreateOrmOptions, type Orm } from '../../src/db/orm.ts';
import { migrationsKey } from '../../src/db/pglite-template.ts';

export type TestDatabase = {
  /** Pass this to `createOrm` or put it in a test `Config`. Only one ORM may hold a PGlite dir at a time. */
  database: DatabaseConfig;
  /** Removes the database and everything in it. */
  drop(): Promise<void>;
};

export type TestOrm = {
  orm: Orm;
  database: DatabaseConfig;
  /** Closes the ORM, then drops the database. */
  close(): Promise<void>;
};

/**
 * A database owned by the caller, so test files running in parallel never see each other's rows: a
 * temp PGlite dir by default, or a database of its own on the PostgreSQL server of `DATABASE_URL`.
 * Either way the first boot finds it migrated, as a gateway's first boot on PGlite does (it copies
 * the install-time template): on PostgreSQL the database is a copy of a migrated template made
 * once per migration set, instead of every migration again per test database. `empty` skips the
 * template, for the tests of the migrations themselves.
 */
export async function provisionTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const configured = loadConcern('database');
  if (configured.kind === 'postgresql') return provisionPostgres(configured.url, options.empty ?? false);

  const dataDir = await mkdtemp(join(tmpdir(), 'wamux-test-pglite-'));
  return {
    database: { kind: 'pglite', dataDir },
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** A migrated ORM on a database of its own. MikroORM's own log lines are dropped unless `logger` is given. */
export async function createTestOrm(options: CreateOrmOptions = {}): Promise<TestOrm> {
  const { database, drop } = await provisionTestDatabase();
  let orm: Orm;
  try {
    orm = await createOrm(database, { logger: () => {}, ...options });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    orm,
    database,
    close: async () => {
      try {
        await orm.close(true);
      } finally {
        await drop();
      }
    },
  };
}

/** A migrated ORM that logs every SQL statement into `queries` (colour codes stripped), for tests that count statements. */
export interface LoggedTestOrm {
  readonly orm: Orm;
  /** Every statement so far, oldest first: take `queries.length` before an action and read what came after. */
  readonly queries: string[];
}

/**
 * One logged test database for the whole file: opened in `beforeAll`, closed in `afterAll`. Its
 * fields are read inside tests, once the hook has run.
 */
export function useLoggedTestOrm(): LoggedTestOrm {
  const queries: string[] = [];
  let db: TestOrm | undefined;
  beforeAll(async () => {
    db = await createTestOrm({ debug: true, logger: (line) => queries.push(line.replace(/\x1b\[[0-9;]*m/g, '')) });
  });
  afterAll(() => db?.close());
  return {
    get orm() {
      if (!db) throw new Error('the test database opens in beforeAll: read `orm` inside a test');
      return db.orm;
    },
    queries,
  };
}

async function provisionPostgres(serverUrl: string, empty: boolean): Promise<TestDatabase> {
  const name = `wamux_test_${randomBytes(6).toString('hex')}`;
  if (empty) await executeOnServer(serverUrl, `create database "${name}"`);
  else await copyMigratedTemplate(serverUrl, name);
  return {
    database: { kind: 'postgresql', url: databaseUrl(serverUrl, name) },
    drop: () => executeOnServer(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}

const databaseUrl = (serverUrl: string, name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** The server's copy of a database migrated to this migration set, made once by whichever test process needs it first. */
async function copyMigratedTemplate(serverUrl: string, name: string): Promise<void> {
  const template = `wamux_test_template_${await migrationsKey()}`;
  try {
    await executeOnServer(serverUrl, `create database "${name}" template "${template}"`);
  } catch (error) {
    if (!/does not exist/.test((error as Error).message)) throw error;
    await buildTemplate(serverUrl, template);
    await executeOnServer(serverUrl, `create database "${name}" template "${template}"`);
  }
}

/**
 * Built under a name of its own and renamed into place once migrated, so a template that exists is
 * complete; a process that loses the race to rename drops its copy and uses the winner's.
 */
async function buildTemplate(serverUrl: string, template: string): Promise<void> {
  const building = `${template}_${randomBytes(4).toString('hex')}`;
  await executeOnServer(serverUrl, `create database "${building}"`);
  try {
    const orm = await createOrm({ kind: 'postgresql', url: databaseUrl(serverUrl, building) }, { logger: () => {} });
    await orm.close(true);
    await executeOnServer(serverUrl, `alter database "${building}" rename to "${template}"`);
  } catch (error) {
    await executeOnServer(serverUrl, `drop database if exists "${building}" with (force)`);
    if (!/already exists/.test((error as Error).message)) throw error;
  }
}
