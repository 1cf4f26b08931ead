import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { AuthKey } from '../../src/db/auth-key.entity.ts';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { KeyWriter, type KeyRow } from '../../src/db/key-writer.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';

// The shared queue all instances' Signal key writes go through (group commit).
const db = useLoggedTestOrm();

const newInstance = async () => (await new InstanceRepository(db.orm).create({ name: `kw-${randomUUID()}` })).id;
const row = (instance: string, keyId: string, value = randomBytes(8)): KeyRow => ({ instance, type: 'session', keyId, value });
const stored = async (instance: string) =>
  Object.fromEntries((await db.orm.em.fork().find(AuthKey, { instance }, { orderBy: { keyId: 'asc' } })).map((k) => [k.keyId, Buffer.from(k.value).toString('hex')]));
const inserts = (from: number) => db.queries.slice(from).filter((q) => /\] insert into "auth_key"/.test(q)).length;

describe('KeyWriter', () => {
  test('writes handed over in one turn, or while one runs, go out together, each resolving once committed', async () => {
    const writer = new KeyWriter(db.orm);
    const instances = await Promise.all(Array.from({ length: 5 }, newInstance));
    const from = db.queries.length;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => writer.write({ instanceId: instances[i % 5]!, upserts: [row(instances[i % 5]!, `peer${i}.0`)], deletes: [] })),
    );
    // The first waits one turn (the queue was idle): all 40 share its statement.
    expect(inserts(from)).toBe(1);
    for (const id of instances) expect(Object.keys(await stored(id))).toHaveLength(8);
    // One more while that turn is awaited, then 10 while its statement runs: 2 statements.
    const next = db.queries.length;
    const first = writer.write({ instanceId: instances[0]!, upserts: [row(instances[0]!, 'late.0')], deletes: [] });
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 10 }, (_, i) => writer.write({ instanceId: instances[1]!, upserts: [row(instances[1]!, `later${i}.0`)], deletes: [] }));
    await Promise.all([first, ...rest]);
    expect(inserts(next)).toBe(2);
    expect(Object.keys(await stored(instances[1]!))).toHaveLength(18);
  });

  test('a key written twice in one batch keeps the later value', async () => {
    const writer = new KeyWriter(db.orm);
    const id = await newInstance();
    const [a, b, c] = [randomBytes(4), randomBytes(4), randomBytes(4)];
    await Promise.all([
      writer.write({ instanceId: id, upserts: [row(id, 'k', a)], deletes: [] }),
      writer.write({ instanceId: id, upserts: [row(id, 'k', b)], deletes: [] }),
      writer.write({ instanceId: id, upserts: [row(id, 'k', c)], deletes: [] }),
    ]);
    expect(await stored(id)).toEqual({ k: c.toString('hex') });
  });

  test('one bad write in a batch fails alone', async () => {
    const writer = new KeyWriter(db.orm);
    const id = await newInstance();
    const ghost = randomUUID(); // no such instance: the foreign key refuses its rows
    const results = await Promise.allSettled([
      writer.write({ instanceId: id, upserts: [row(id, 'first')], deletes: [] }),
      writer.write({ instanceId: id, upserts: [row(id, 'second')], deletes: [] }),
      writer.write({ instanceId: ghost, upserts: [row(ghost, 'bad')], deletes: [] }),
      writer.write({ instanceId: id, upserts: [row(id, 'third')], deletes: [] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(Object.keys(await stored(id))).toEqual(['first', 'second', 'third']);
  });

  test('keeps the order of writes, deletes and work queued in between (a clear at logout)', async () => {
    const writer = new KeyWriter(db.orm);
    const id = await newInstance();
    await Promise.all([
      writer.write({ instanceId: id, upserts: [row(id, 'old'), row(id, 'gone')], deletes: [] }),
      writer.write({ instanceId: id, upserts: [row(id, 'stays')], deletes: [{ type: 'session', keyId: { $in: ['gone'] } }] }),
      writer.inOrder(async () => void (await db.orm.em.fork().nativeDelete(AuthKey, { instance: id }))),
      writer.write({ instanceId: id, upserts: [row(id, 'after-clear')], deletes: [] }),
    ]);
    expect(Object.keys(await stored(id))).toEqual(['after-clear']);
    await writer.idle();
  });
});
