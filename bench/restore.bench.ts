/**
 * The restore benchmark (issue 16: "500 stored instances online within 1.2× the bare-Baileys time for
 * the same logins"): wamux and bare Baileys each link `--instances` by QR on a sandbox of their own,
 * then are restarted BENCH_RESTORE_ROUNDS times (default 3) on their stored logins. Each round counts
 * the CPU from listening (where both start restoring; see GatewayProcess.listening) to all online per
 * restored login, and the wall time from spawn to all online;
 * the table has the medians. Nothing else runs in between (no traffic), so unlike the gateway
 * benchmark's single restart this isolates the login itself, and its rounds show the noise.
 * `--cpu-prof <dir>` profiles each subject's last restart and prints where the restore's CPU went.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { provisionBenchDatabase } from './lib/bench-database.ts';
import { ControlClient } from './lib/control-client.ts';
import { quiesce } from './lib/proc-stats.ts';
import { restoreRound, type RestoreRound } from './lib/restore-round.ts';
import { startSandboxProcess } from './lib/sandbox-process.ts';
import { percentile, runPool } from './lib/stats.ts';
import { BARE_RESTORE_CONCURRENCY, bareSubjectEnv, RESTORE_CONCURRENCY, startSubject, wamuxSubjectEnv, type Subject, type SubjectKind, type SubjectSetup } from './lib/subjects.ts';

const BENCH = 'restore';
const TARGET = 1.2;

const instancePhone = (i: number) => `1555500${String(i).padStart(4, '0')}`;

type Round = RestoreRound;

/**
 * BENCH_RESTORE_AB_ENTRY: another checkout's src/main.ts (its node_modules beside it), restarted
 * in turn with this one on the same stored logins, each round in the other order; its rows are the
 * "(B)" ones. Both must read the same database schema.
 */
const AB_ENTRY = process.env.BENCH_RESTORE_AB_ENTRY || undefined;
/** BENCH_RESTORE_AB_ENV: `NAME=value` pairs, space-separated, set for the B side only (with or without another entry: RESTORE_CONCURRENCY=8). */
const AB_ENV = Object.fromEntries((process.env.BENCH_RESTORE_AB_ENV ?? '').split(/\s+/).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const AB = !!AB_ENTRY || Object.keys(AB_ENV).length > 0;

async function measure(ctx: BenchContext, kind: SubjectKind, env: Record<string, string>, dataDir: string, rounds: number): Promise<{ linked: number; rounds: Round[]; other: Round[] }> {
  const n = ctx.options.instances;
  const sandbox = await startSandboxProcess({ state: 'memory', dataDir: join(dataDir, 'sandbox'), startTimeoutMs: 120_000 });
  let subject: Subject | undefined;
  try {
    const control = new ControlClient(sandbox.endpoint.controlUrl);
    await runPool(n, 16, (i) => control.createPhone(instancePhone(i), `Desk ${i}`), ctx.signal);
    let setup: SubjectSetup = { sandbox: sandbox.endpoint, control, env: { ...env, SANDBOX_URL: sandbox.endpoint.controlUrl } };
    subject = await startSubject(kind, setup);
    ctx.log(`${kind}: linking ${n} instances…`);
    const linked = (await runPool(n, ctx.options.linkConcurrency, (i) => subject!.link(instancePhone(i), `restore-${i}`), ctx.signal)).filter((r) => r.status === 'fulfilled').length;
    if (linked === 0) throw new Error(`${kind}: no instance linked`);
    await quiesce(subject.process.pid, ctx.signal);
    await subject.close();
    await subject.process.stop();
    setup = { ...setup, accessToken: subject.accessToken };
    subject = undefined;
    const profDir = ctx.options.cpuProfDir ? join(ctx.options.cpuProfDir, `restore-${kind}`) : undefined;
    if (profDir) await mkdir(profDir, { recursive: true });
    const results: Round[] = [];
    const other: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      // An A/B: every round restarts this wamux and the B side, in turn, on the same state.
      for (const b of kind === 'wamux' && AB ? (r % 2 ? [true, false] : [false, true]) : [false]) {
        const side = b ? { ...setup, entry: AB_ENTRY, env: { ...setup.env, ...AB_ENV } } : setup;
        const round = await restoreRound(ctx, kind, side, linked, !b && r === rounds - 1 ? profDir : undefined);
        ctx.log(`${kind}${b ? ' (B)' : ''}: restore ${r + 1}/${rounds}: ${round.online}/${linked} online in ${round.seconds.toFixed(2)} s (listening after ${round.readySeconds.toFixed(2)} s), ${round.cpuMsPerLogin.toFixed(1)} ms CPU per login (main thread ${round.mainCpuMsPerLogin.toFixed(1)})`);
        (b ? other : results).push(round);
      }
    }
    return { linked, rounds: results, other };
  } finally {
    await subject?.close();
    await subject?.process.stop();
    await sandbox.stop();
  }
}

const median = (values: number[]) => percentile(values, 50);
// Seconds to the hundredth: an A/B of boot changes moves them by less than a tenth.
const list = (rounds: Round[], pick: (r: Round) => number, digits = 1) => rounds.map((r) => pick(r).toFixed(digits)).join(', ');

export const restoreBenchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const rounds = Math.max(1, Number(process.env.BENCH_RESTORE_ROUNDS ?? 3) || 3);
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-restore-'));
    const database = await provisionBenchDatabase(process.env.BENCH_DATABASE_URL);
    try {
      const bare = await measure(ctx, 'bare', bareSubjectEnv(join(dataDir, 'bare-logins.json')), join(dataDir, 'bare'), rounds);
      const wamux = await measure(ctx, 'wamux', wamuxSubjectEnv(join(dataDir, 'wamux'), database), join(dataDir, 'wamux-run'), rounds);
      const db = database ? 'PostgreSQL' : 'PGlite';
      const row = (metric: string, unit: string, pick: (r: Round) => number, note: string, subject = wamux.rounds): BenchRow => {
        const value = median(subject.map(pick));
        const bareValue = median(bare.rounds.map(pick));
        const allOnline = subject.every((r) => r.online === wamux.linked);
        return {
          bench: BENCH,
          metric,
          value,
          bare: bareValue,
          unit,
          ...(db === 'PostgreSQL' ? { target: `≤ ${TARGET}× bare`, met: allOnline && value <= TARGET * bareValue } : {}),
          note: `${db}, ${wamux.linked} (bare ${bare.linked}) stored logins, median of ${rounds}: wamux ${list(subject, pick, unit === 's' ? 2 : 1)}; bare ${list(bare.rounds, pick, unit === 's' ? 2 : 1)}; ${note}`,
        };
      };
      const rows = (subject: Round[], suffix: string) => [
        row(`CPU per restored login${suffix}`, 'ms', (r) => r.cpuMsPerLogin, `from listening to all online; main thread wamux ${list(subject, (r) => r.mainCpuMsPerLogin)}, bare ${list(bare.rounds, (r) => r.mainCpuMsPerLogin)}`, subject),
        row(`restart → all online${suffix}`, 's', (r) => r.seconds, `from spawn; wamux RESTORE_CONCURRENCY=${(suffix && AB_ENV.RESTORE_CONCURRENCY) || RESTORE_CONCURRENCY}, bare ${BARE_RESTORE_CONCURRENCY} in flight; listening after wamux ${list(subject, (r) => r.readySeconds, 2)} s, bare ${list(bare.rounds, (r) => r.readySeconds, 2)} s`, subject),
      ];
      return [...rows(wamux.rounds, ''), ...(wamux.other.length ? rows(wamux.other, ' (B)') : [])];
    } finally {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
