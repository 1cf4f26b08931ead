import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrm, MIGRATIONS_DIR } from '../../src/db/orm.ts';
import { provisionTestDatabase, type TestDatabase } from '../helpers/db.ts';

const silent = { logger: () => {} };

describe('migrations', () => {
  let db: TestDatabase;
  let committed: string[];

  beforeAll(async () => {
    db = await provisionTestDatabase({ empty: true });
    committed = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
  });
  afterAll(() => db.drop());

  test('booting an empty database applies every committed migration', async () => {
    const orm = await createOrm(db.database, silent);
    try {
      expect(committed.length).toBeGreaterThan(0);
      expect((await orm.migrator.getExecuted()).map((m) => m.name)).toEqual(committed);
      expect(await orm.migrator.getPending()).toEqual([]);
    } finally {
      await orm.close();
    }
  });

  test('the migrated schema matches the entities (no migration is missing)', async () => {
    const orm = await createOrm(db.database, silent);
    try {
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close();
    }
  });

  test('booting again applies nothing', async () => {
    const orm = await createOrm(db.database, silent);
    try {
      expect(await orm.migrator.up()).toEqual([]);
    } finally {
      await orm.close();
    }
  });

  test('the migrations roll back cleanly and apply again', async () => {
    const orm = await createOrm(db.database, silent);
    try {
      await orm.migrator.down({ to: 0 });
      expect(await orm.migrator.getExecuted()).toEqual([]);
      await orm.migrator.up();
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close();
    }
  });
});
