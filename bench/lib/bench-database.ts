import { randomBytes } from 'node:crypto';
import { executeOnServer } from '../../src/db/orm.ts';

/**
 * A fresh database for one gateway bench run on the PostgreSQL server of `serverUrl` (dropped after),
 * so a run never restores the instances of an earlier one. Undefined without a URL: PGlite in the
 * run's temp dir, which is fresh by itself.
 */
export async function provisionBenchDatabase(serverUrl: string | undefined): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!serverUrl) return undefined;
  const name = `wamux_bench_${randomBytes(6).toString('hex')}`;
  await executeOnServer(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => executeOnServer(serverUrl, `drop database if exists "${name}" with (force)`) };
}

