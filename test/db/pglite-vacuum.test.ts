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

  test('vacuums and analyses a table once enough of its rows are dead, and only then', async () => {
    const connection = db.orm.em.getConnection();
    await connection.execute('create table vacuum_probe (id int primary key, state text not null)');
    await connection.execute(`insert into vacuum_probe select n, 'QUEUED' from generate_series(1, 200) n`);
    const vacuum = new PgliteVacuum(db.orm, log, { minRows: 500 });
    await flushStats();
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
});
