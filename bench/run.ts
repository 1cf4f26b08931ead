/**
 * `npm run bench [-- --companions 500 --messages 5000 …]`: runs the benchmarks and prints one table.
 *
 * Each benchmark is a module returning rows; add the gateway's own (memory, throughput) to
 * BENCHMARKS. Options come from flags or BENCH_* environment variables (flags win); progress goes
 * to stderr, the table to stdout. Exit code 1 when a benchmark failed, not when a target is missed:
 * the table says that, and a slow CI box should not turn numbers into a red build.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchOptions, BenchRow } from './lib/benchmark.ts';
import { formatTable } from './lib/table.ts';
import { faultsBenchmark } from './faults.bench.ts';
import { gatewayBenchmark } from './gateway.bench.ts';
import { kill9Benchmark } from './kill9.bench.ts';
import { mediaBenchmark } from './media.bench.ts';
import { restoreBenchmark } from './restore.bench.ts';
import { sandboxBenchmark } from './sandbox.bench.ts';

const BENCHMARKS: Benchmark[] = [sandboxBenchmark, gatewayBenchmark, mediaBenchmark, faultsBenchmark, kill9Benchmark, restoreBenchmark];

const USAGE = `usage: npm run bench -- [options]
  --only <name>            run one benchmark (${BENCHMARKS.map((b) => b.name).join(', ')})
  --companions <n>         Baileys companions to link            BENCH_COMPANIONS   (default 500)
  --instances <n>          gateway instances to link              BENCH_INSTANCES    (default 100)
  --messages <n>           messages per direction                 BENCH_MESSAGES     (default 5000)
  --workers <n>            companion worker processes             BENCH_WORKERS      (default 2)
  --window <n>             control-API sends in flight            BENCH_WINDOW       (default 64)
  --link-concurrency <n>   pairings in flight per worker          BENCH_LINK_CONCURRENCY (default 8)
  --paced-rate <n>         msgs/s of the latency probe            BENCH_PACED_RATE   (default 200)
  --timeout <s>            limit for the whole run                BENCH_TIMEOUT_S    (default 600)
  --heap-sample <dir>      gateway: sample both subjects' allocations in each send and receive window into <dir> (rows: KiB per message; sampling slows both, so rates are not comparable)  BENCH_HEAP_SAMPLE
  --sandbox-state <s>      memory (default) | disk = npm run sandbox  BENCH_SANDBOX_STATE
  --cpu-prof <dir>         profile the sandbox child (sandbox), wamux and bare (gateway), wamux (restore; faults: its backlog drains) into <dir>  BENCH_CPU_PROF
media: BENCH_MEDIA_UPLOADS (default 50) uploads of BENCH_MEDIA_MB (default 10) MB, all at once
gateway: BENCH_DATABASE_URL (PostgreSQL instead of PGlite), BENCH_GATEWAY_PACED_RATE (20 msgs/s of the sendText latency probe), BENCH_GATEWAY_WARMUP (200 messages each way before the measured ones, not counted; 0: none),
  BENCH_GATEWAY_ROUNDS (3 interleaved rounds of --messages sends and receives per subject, and 3 restarts each; medians), BENCH_GATEWAY_LEDGER_OFF (1: also wamux with MESSAGE_LEDGER=off; 0: not)
faults: BENCH_FAULTS_INSTANCES (4), _SECONDS (180), _COUNT (≥ 100), _RATE (2 msgs/s each way), _SEED, _SILENT_S (15), _DRAIN_S (30), _BACKLOG (500 messages for one offline instance; 0: no backlog phase), _BACKLOG_REPS (3 drains per subject, median), _BACKLOG_WARMUP (1 drain per subject first, not counted)
restore (BENCH_DATABASE_URL for PostgreSQL): --instances logins restarted BENCH_RESTORE_ROUNDS (3) times each
kill9 (PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres): BENCH_KILL9_INSTANCES (5), _INBOUND (2000), _SENDS (1000), _WINDOW (16), _DRAIN_S (900: waits while counts still move)`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function readOptions(): { options: BenchOptions; only: string | undefined } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      companions: { type: 'string' },
      instances: { type: 'string' },
      messages: { type: 'string' },
      workers: { type: 'string' },
      window: { type: 'string' },
      'link-concurrency': { type: 'string' },
      'paced-rate': { type: 'string' },
      timeout: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'heap-sample': { type: 'string' },
      'sandbox-state': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (flag: keyof typeof values, env: string, fallback: number, min: number, max: number): number => {
    const raw = (values[flag] as string | undefined) ?? process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) fail(`--${flag} / ${env} must be an integer from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const only = values.only ?? process.env.BENCH_ONLY;
  if (only && !BENCHMARKS.some((b) => b.name === only)) fail(`unknown benchmark "${only}"`);
  const sandboxState = values['sandbox-state'] ?? (process.env.BENCH_SANDBOX_STATE || 'memory');
  if (sandboxState !== 'memory' && sandboxState !== 'disk') fail(`--sandbox-state must be memory or disk, got "${sandboxState}"`);
  return {
    only,
    options: {
      companions: int('companions', 'BENCH_COMPANIONS', 500, 1, 5_000),
      instances: int('instances', 'BENCH_INSTANCES', 100, 1, 5_000),
      messages: int('messages', 'BENCH_MESSAGES', 5_000, 1, 1_000_000),
      workers: int('workers', 'BENCH_WORKERS', 2, 1, 16),
      window: int('window', 'BENCH_WINDOW', 64, 1, 1_024),
      linkConcurrency: int('link-concurrency', 'BENCH_LINK_CONCURRENCY', 8, 1, 256),
      pacedRate: int('paced-rate', 'BENCH_PACED_RATE', 200, 1, 100_000),
      timeoutMs: int('timeout', 'BENCH_TIMEOUT_S', 600, 10, 3_600) * 1000,
      sandboxState,
      cpuProfDir: (values['cpu-prof'] as string | undefined) ?? (process.env.BENCH_CPU_PROF || undefined),
      heapSampleDir: (values['heap-sample'] as string | undefined) ?? (process.env.BENCH_HEAP_SAMPLE || undefined),
    },
  };
}

const { options, only } = readOptions();
const controller = new AbortController();
const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

// Ctrl-C or the run's time limit: abort, so every phase stops and the `finally` blocks clean up.
const deadline = setTimeout(() => controller.abort(new Error(`the run exceeded ${options.timeoutMs / 1000} s`)), options.timeoutMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping…`);
    controller.abort(new Error(`interrupted (${signal})`));
  });
}

const rows: BenchRow[] = [];
let failed = false;
for (const bench of BENCHMARKS.filter((b) => !only || b.name === only)) {
  log(`${bench.name}…`);
  try {
    rows.push(...(await bench.run({ options, signal: controller.signal, log })));
  } catch (err) {
    failed = true;
    log(`${bench.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  if (controller.signal.aborted) break;
}
clearTimeout(deadline);

const o = options;
process.stdout.write(
  [
    '',
    `wamux bench · node ${process.version} · ${cpus().length} cores · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · ${new Date().toISOString()}`,
    `companions=${o.companions} instances=${o.instances} messages=${o.messages} workers=${o.workers} window=${o.window} link-concurrency=${o.linkConcurrency} paced-rate=${o.pacedRate} sandbox-state=${o.sandboxState}`,
    '',
    rows.length ? formatTable(rows) : '(no results)',
    '',
  ].join('\n'),
);
process.exitCode = failed ? 1 : 0;
