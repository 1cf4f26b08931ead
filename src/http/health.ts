import type { FastifyInstance } from 'fastify';
import type { Orm } from '../db/orm.ts';
import type { RestoreProgress } from '../services/instances/index.ts';
import { VERSION } from '../services/shared/index.ts';

export type Phase = 'starting' | 'ready' | 'stopping';

export interface HealthDeps {
  phase(): Phase;
  orm: Orm;
  restore(): RestoreProgress;
}

const DB_TIMEOUT_MS = 2_000;

/**
 * Probes, open to anyone (they carry no secrets):
 * - `/livez`: the process is alive and its event loop turns. Restart it when this fails.
 * - `/readyz`: the gateway can do its job now: listening, the database answers, every migration is
 *   applied and the boot-time restore of stored instances has finished (counts while it runs).
 *   503 with the same body otherwise. `/healthz` is the same answer, under its older name.
 */
export async function healthRoutes(http: FastifyInstance, deps: HealthDeps): Promise<void> {
  let migrated = false;

  const database = async (): Promise<string> => {
    try {
      await Promise.race([
        deps.orm.em.getConnection().execute('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS).unref()),
      ]);
      return 'ok';
    } catch (err) {
      return `failing: ${(err as Error).message}`;
    }
  };
  const migrations = async (): Promise<string> => {
    // Once applied they stay applied for this process: asked until then, not at every probe.
    if (migrated) return 'ok';
    try {
      const pending = await deps.orm.migrator.getPending();
      migrated = pending.length === 0;
      return migrated ? 'ok' : `${pending.length} pending`;
    } catch (err) {
      return `unknown: ${(err as Error).message}`;
    }
  };

  const readiness = async () => {
    const phase = deps.phase();
    const [db, mig] = phase === 'stopping' ? ['not checked', 'not checked'] : await Promise.all([database(), migrations()]);
    const restore = deps.restore();
    const status =
      phase !== 'ready' ? phase : db !== 'ok' || mig !== 'ok' ? 'unavailable' : !restore.finished ? 'restoring' : 'ok';
    return { status, version: VERSION, checks: { database: db, migrations: mig, restore } };
  };

  http.get('/livez', async () => ({ status: 'ok', version: VERSION, uptimeSeconds: Math.round(process.uptime()) }));
  for (const path of ['/readyz', '/healthz']) {
    http.get(path, async (_req, reply) => {
      const body = await readiness();
      return reply.status(body.status === 'ok' ? 200 : 503).send(body);
    });
  }
}
