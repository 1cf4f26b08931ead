import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConcern, type DatabaseConfig } from '../../src/config.ts';
import { createOrm, executeOnServer, type CreateOrmOptions, type Orm } from '../../src/db/orm.ts';

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
 * An empty database owned by the caller: a temp PGlite dir by default, or a fresh database on the
 * PostgreSQL server of `DATABASE_URL`, so test files running in parallel never see each other's rows.
 */
export async function provisionTestDatabase(): Promise<TestDatabase> {
  const configured = loadConcern('database');
  if (configured.kind === 'postgresql') return provisionPostgres(configured.url);

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

async function provisionPostgres(serverUrl: string): Promise<TestDatabase> {
  const name = `wamux_test_${randomBytes(6).toString('hex')}`;
  await executeOnServer(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    database: { kind: 'postgresql', url: url.toString() },
    drop: () => executeOnServer(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}
