import { describe, expect, test } from 'vitest';
import { loadConcern } from '../../src/config.ts';
import { PgliteVacuum } from '../../src/db/pglite-vacuum.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';

// PGlite is a single-user backend without autovacuum; a PostgreSQL server vacuums itself.
const onPglite = loadConcern('database').kind === 'pglite';

describe.skipIf(!onPglite)('PgliteVacuum', () => {
  const db = useLoggedTestOrm();
  const logged: Array<Record<string, unknown>> = [];
  const log = { info: (details: Record<string, unknown>) => void logged.push(details), warn: () => undefined };

  // The backend hands its counts to the statistics views at most once a second, when idle: this
  // makes it hand them over after the current statement, so the next one reads them.
  const flushStats = () => db.orm.em.getConnection().execute('select pg_stat_force_next_flush()');
  const stats = async (table: string) =>
    (await db.orm.em.getConnection().execute<Array<{ dead: string | number; last_vacuum: Date | null; last_analyze: Date | null }>>(
      `select n_dead_tup as dead, last_vacuum, last_analyze from pg_stat_user_tables where relname = ?`,
      [table],
    ))[0]!;

  /** A table of `rows` live rows, its counts handed over, and a vacuum with a base of 500 rows. */
  async function probe(table: string, rows: number) {
    const connection = db.orm.em.getConnection();
    await connection.execute(`create table ${table} (id int primary key, state text not null)`);
    await connection.execute(`insert into ${table} select n, 'QUEUED' from generate_series(1, ?::int) n`, [rows]);
    await flushStats();
    return { connection, vacuum: new PgliteVacuum(db.orm, log, { minRows: 500 }) };
  }

  test('vacuums and analyses a table once enough of its rows are dead, and only then', async () => {
    const { connection, vacuum } = await probe('vacuum_probe', 200);
    // 200 live rows and 200 changes since the last analyse: under the threshold.
    expect(await vacuum.runNow()).not.toContain('vacuum_probe');
    // Three status steps over every row, as a send's: 600 dead versions.
    for (const state of ['SENDING', 'SENT', 'DELIVERED']) await connection.execute('update vacuum_probe set state = ?', [state]);
    await flushStats();
    expect(Number((await stats('vacuum_probe')).dead)).toBeGreaterThanOrEqual(500);

    expect(await vacuum.runNow()).toContain('vacuum_probe');
    await flushStats();
    const after = await stats('vacuum_probe');
    expect(Number(after.dead)).toBe(0);
    expect(after.last_vacuum).not.toBeNull();
    expect(after.last_analyze).not.toBeNull();
    expect(logged).toContainEqual(expect.objectContaining({ table: 'vacuum_probe', deadRows: expect.any(Number) }));
    await vacuum.stop();
    expect(await vacuum.runNow()).toEqual([]);
  });

  test('the threshold grows with the table: 20 % of its live rows on top of the base', async () => {
    const { connection, vacuum } = await probe('vacuum_scaled', 5000);
    // 5,000 rows changed since no analyse: vacuumed and analysed once, on a sample of 3,000 rows
    // (statistics target 10: a histogram of at most 11 bounds, where the default makes 101).
    expect(await vacuum.runNow()).toContain('vacuum_scaled');
    const [histogram] = await connection.execute<Array<{ bounds: number }>>(
      `select array_length(histogram_bounds::text::text[], 1) as bounds from pg_stats where tablename = 'vacuum_scaled' and attname = 'id'`,
    );
    expect(Number(histogram!.bounds)).toBeGreaterThan(1);
    expect(Number(histogram!.bounds)).toBeLessThanOrEqual(11);
    // 1,000 dead versions: past the base (500), under 500 + 20 % of 5,000 live rows.
    await connection.execute(`update vacuum_scaled set state = 'SENDING' where id <= 1000`);
    await flushStats();
    expect(Number((await stats('vacuum_scaled')).dead)).toBe(1000);
    expect(await vacuum.runNow()).not.toContain('vacuum_scaled');
    // 2,000: past it.
    await connection.execute(`update vacuum_scaled set state = 'SENDING' where id > 1000 and id <= 2000`);
    await flushStats();
    expect(await vacuum.runNow()).toContain('vacuum_scaled');
    await flushStats();
    expect(Number((await stats('vacuum_scaled')).dead)).toBe(0);
    await vacuum.stop();
  });
});
