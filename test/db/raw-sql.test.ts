import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { rawSql } from '../../src/db/raw-sql.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';

// The hot statements' runner: on PGlite, named prepared statements outside MikroORM; on PostgreSQL, pg with bind parameters.
const db = useLoggedTestOrm();

const newInstance = async () => (await new InstanceRepository(db.orm).create({ name: `raw-${randomUUID()}` })).id;
const upsertKey = `insert into "auth_key" ("instance_id", "type", "key_id", "value") values (?, ?, ?, ?) on conflict ("instance_id", "type", "key_id") do update set "value" = excluded."value"`;
const readKey = `select "value" from "auth_key" where "instance_id" = ? and "type" = ? and "key_id" = ?`;

describe('rawSql', () => {
  test('bytes go in and come back exactly, the second run of a statement as the first', async () => {
    const sql = rawSql(db.orm);
    const instance = await newInstance();
    for (const value of [randomBytes(6000), Buffer.alloc(3), Buffer.from('00ff5c78', 'hex')]) {
      await sql.all(upsertKey, [instance, 'session', 'a.0', value]);
      const [row] = await sql.all<{ value: Uint8Array }>(readKey, [instance, 'session', 'a.0']);
      expect(Buffer.from(row!.value).equals(value)).toBe(true);
    }
  });

  test('rows, nulls and every column type come back as the driver itself reads them', async () => {
    const instance = await newInstance();
    await rawSql(db.orm).all(upsertKey, [instance, 'session', 'n.0', Buffer.from('abc')]);
    // Several rows, a null, text with multi-byte characters, a bigint, a boolean, json, a timestamp, bytes.
    const select = `select "key_id", "value", null::text as "none", 'ünï ✓' || ? as "text", 9007199254740993::bigint as "big", ? = 'x' as "flag", '{"a":[1,2]}'::jsonb as "json", now() as "at" from "auth_key" where "instance_id" = ? order by "key_id"`;
    await rawSql(db.orm).all(upsertKey, [instance, 'session', 'n.1', Buffer.alloc(0)]);
    const raw = await rawSql(db.orm).all<Record<string, unknown>>(select, ['ß', 'x', instance]);
    const viaOrm = await db.orm.em.getConnection().execute<Array<Record<string, unknown>>>(select, ['ß', 'x', instance], 'all');
    expect(raw).toHaveLength(2);
    expect(raw.map((r) => ({ ...r, value: Buffer.from(r.value as Uint8Array).toString('hex'), at: undefined }))).toEqual(
      viaOrm.map((r) => ({ ...r, value: Buffer.from(r.value as Uint8Array).toString('hex'), at: undefined })),
    );
    expect(typeof raw[0]!.at).toBe(typeof viaOrm[0]!.at);
    expect(raw[0]!.text).toBe('ünï ✓ß');
  });

  test('a failed statement rejects, and it and others run afterwards', async () => {
    const sql = rawSql(db.orm);
    const instance = await newInstance();
    // A key of an instance that does not exist: the foreign key refuses it, on the first run and on a later one.
    await expect(sql.all(upsertKey, [randomUUID(), 'session', 'x', Buffer.alloc(1)])).rejects.toThrow(/foreign key/);
    await expect(sql.all(upsertKey, [randomUUID(), 'session', 'x', Buffer.alloc(1)])).rejects.toThrow(/foreign key/);
    await sql.all(upsertKey, [instance, 'session', 'x', Buffer.alloc(1)]);
    await expect(sql.all('select * from "no_such_table" where "id" = ?', [1])).rejects.toThrow(/no_such_table/);
    expect(await sql.all(readKey, [instance, 'session', 'x'])).toHaveLength(1);
  });

  test('more statements than are kept prepared all run, and the first again after it was let go', async () => {
    const sql = rawSql(db.orm);
    const instance = await newInstance();
    const nth = (n: number) => `select "key_id" from "auth_key" where "instance_id" = ? and "key_id" in (${Array.from({ length: n }, () => '?').join(', ')})`;
    await sql.all(upsertKey, [instance, 'session', 'k1', Buffer.alloc(1)]);
    for (let n = 1; n <= 260; n++) expect(await sql.all(nth(n), [instance, ...Array.from({ length: n }, (_, i) => `k${i + 1}`)])).toHaveLength(1);
    expect(await sql.all(nth(1), [instance, 'k1'])).toHaveLength(1);
  });

  test('a statement never runs inside a transaction another caller has open', async () => {
    const name = `raw-tx-${randomUUID()}`;
    let inside!: () => void;
    let release!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db.orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute(`insert into "instance" ("id", "name", "status", "created_at", "updated_at") values (?, ?, 'CREATED', now(), now())`, [randomUUID(), name], 'run', em.getTransactionContext());
      inside();
      await gate;
      throw new Error('rolled back on purpose');
    });
    await opened;
    const read = rawSql(db.orm).all<{ n: string | number }>('select count(*) as "n" from "instance" where "name" = ?', [name]);
    release();
    await expect(tx).rejects.toThrow('rolled back on purpose');
    expect(Number((await read)[0]!.n)).toBe(0);
  });
});
