/**
 * The gateway benchmark's table: what each subject measured, turned into rows of wamux beside bare
 * Baileys with issue 16's target for the ratio. Rates and restores come from interleaved rounds: a
 * row's values are each subject's median and its ratio is the median of the rounds' ratios (a round
 * pairs windows taken minutes apart at most, so their ratio is what drifts least).
 */
import type { BenchRow } from './benchmark.ts';
import type { MemoryReading, Rate } from './gateway-rig.ts';
import { mib } from './proc-stats.ts';
import type { RestoreRound } from './restore-round.ts';
import { percentile } from './stats.ts';
import { BARE_RESTORE_CONCURRENCY, type SubjectKind } from './subjects.ts';

const BENCH = 'gateway';

/** Issue 16's targets, per database: ratios to bare Baileys, and two absolute limits. */
const TARGETS = {
  PostgreSQL: { sends: 0.8, receives: 0.9, restore: 1.2, restoreWall: 1.2, memory: 1.1, p99Ms: 50, emptyRssMiB: undefined },
  PGlite: { sends: 0.6, receives: 0.7, restore: undefined, restoreWall: undefined, memory: undefined, p99Ms: undefined, emptyRssMiB: 350 },
} as const;

export interface Measures {
  kind: SubjectKind;
  emptyRss: number;
  /** Peak RSS before anything was linked (VmHWM): boot, migrations, the compile compilesDone waits out. */
  emptyPeakRss: number;
  emptyLive: number;
  linked: number;
  linkNote: string;
  /** Wall time of linking all n (QR → ONLINE, `linkConcurrency` at a time), without the quiet waits. */
  linkSeconds: number;
  half: MemoryReading;
  full: MemoryReading;
  /** One per round. */
  sends: Rate[];
  receives: Rate[];
  /** wamux and bare only. */
  paced?: { p50: number; p99: number; ok: number; expected: number };
  trafficGrowthLive?: number;
  /** One per restart (wamux and bare only). */
  restores: RestoreRound[];
}

const median = (values: readonly number[]) => percentile(values, 50);
const fixed = (values: readonly number[], digits = 0) => values.map((v) => v.toFixed(digits)).join(', ');

/** Per-round ratios a[i] ÷ b[i]: their median, and a note with each and the range. */
function paired(a: readonly number[], b: readonly number[]): { ratio: number; note: string } {
  const ratios = a.map((v, i) => v / (b[i] ?? Number.NaN)).filter(Number.isFinite);
  if (ratios.length === 0) return { ratio: Number.NaN, note: 'no ratio' };
  const sorted = [...ratios].sort((x, y) => x - y);
  return { ratio: median(ratios), note: `ratio per round ${fixed(ratios, 2)} (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})` };
}

/** A rate row: medians, the median ratio, every round's rates, and the last round's wall-clock note for each. */
function rateNote(label: string, rates: readonly Rate[]): string {
  return `${label} ${fixed(rates.map((r) => r.perCore))} per core-s, last ${rates.at(-1)?.note ?? 'none'}`;
}

export function rowsOf(
  w: Measures,
  b: Measures,
  n: Measures | undefined,
  database: 'PostgreSQL' | 'PGlite',
  pace: { linkConcurrency: number; restoreConcurrency: string; pacedRate: number },
): BenchRow[] {
  const t = TARGETS[database];
  const { linkConcurrency, restoreConcurrency, pacedRate } = pace;
  const rounds = w.sends.length;
  const row = (metric: string, unit: string, value: number, bare: number, extra: Partial<BenchRow> = {}): BenchRow => ({ bench: BENCH, metric: `${metric} (${database})`, unit, value, bare, ...extra });
  const atLeast = (share: number | undefined, ratio: number) => (share === undefined ? {} : { target: `≥ ${share}× bare`, met: ratio >= share });
  const atMost = (share: number | undefined, ratio: number) => (share === undefined ? {} : { target: `≤ ${share}× bare`, met: ratio <= share });
  const allOk = (rates: readonly Rate[]) => rates.every((r) => r.ok >= r.expected);
  const slope = (m: Measures) => (m.full.n > m.half.n ? (m.full.live - m.half.live) / (m.full.n - m.half.n) / 1024 : Number.NaN);
  const rssSlope = (m: Measures) => (m.full.n > m.half.n ? mib((m.full.rss - m.half.rss) / (m.full.n - m.half.n)) : Number.NaN);

  const rateRow = (metric: string, phase: 'sends' | 'receives', share: number | undefined): BenchRow => {
    const perCore = (m: Measures) => m[phase].map((r) => r.perCore);
    const { ratio, note } = paired(perCore(w), perCore(b));
    return row(metric, 'msgs/s', median(perCore(w)), median(perCore(b)), {
      ratio,
      ...atLeast(share, ratio),
      ...(allOk(w[phase]) ? {} : { met: false }),
      note: `median of ${rounds} interleaved rounds; ${note}; ${rateNote('wamux', w[phase])}; ${rateNote('bare', b[phase])}`,
    });
  };
  // With --heap-sample: garbage per message, wamux beside bare (no target: it explains the rates).
  const allocationRow = (metric: string, phase: 'sends' | 'receives'): BenchRow[] => {
    const kib = (m: Measures) => m[phase].map((r) => (r.allocatedPerMessage ?? Number.NaN) / 1024);
    if (!kib(w).every(Number.isFinite) || !kib(b).every(Number.isFinite)) return [];
    const { ratio, note } = paired(kib(w), kib(b));
    return [row(metric, 'KiB', median(kib(w)), median(kib(b)), { ratio, note: `V8's sampling heap profiler, objects collected by GC included; ${note}; wamux ${fixed(kib(w), 1)}, bare ${fixed(kib(b), 1)}` })];
  };
  // The same two rates with MESSAGE_LEDGER=off: value ÷ bare is wamux without its ledger; the note
  // gives ledger on ÷ off, what the ledger costs (no row, no queue, no insert before the receipt).
  const ledgerOffRow = (metric: string, phase: 'sends' | 'receives', off: Measures): BenchRow => {
    const perCore = (m: Measures) => m[phase].map((r) => r.perCore);
    const toBare = paired(perCore(off), perCore(b));
    const onOff = paired(perCore(w), perCore(off));
    return row(metric, 'msgs/s', median(perCore(off)), median(perCore(b)), {
      ratio: toBare.ratio,
      note: `ledger on ÷ off ${onOff.ratio.toFixed(2)}× (${onOff.note}); off ÷ bare ${toBare.note}; ${rateNote('no ledger', off[phase])}`,
    });
  };
  const restoreCpu = paired(
    w.restores.map((r) => r.cpuMsPerLogin),
    b.restores.map((r) => r.cpuMsPerLogin),
  );
  const restoreWall = paired(
    w.restores.map((r) => r.seconds),
    b.restores.map((r) => r.seconds),
  );
  const allRestored = w.restores.every((r) => r.online >= w.linked);
  const perRestore = (m: Measures, pick: (r: RestoreRound) => number, digits: number) => fixed(m.restores.map(pick), digits);

  return [
    row('instances linked (QR)', 'instances', w.linked, b.linked, { note: `wamux ${w.linkNote}; bare ${b.linkNote}` }),
    row('link time, all instances', 's', w.linkSeconds, b.linkSeconds, { note: `QR shown → scanned → ONLINE, ${linkConcurrency} at a time, wall clock` }),
    rateRow('sends per core-second', 'sends', t.sends),
    rateRow('receives per core-second', 'receives', t.receives),
    ...allocationRow('allocated per send', 'sends'),
    ...allocationRow('allocated per received message', 'receives'),
    ...(n ? [ledgerOffRow('sends per core-second, ledger off', 'sends', n), ledgerOffRow('receives per core-second, ledger off', 'receives', n)] : []),
    row('CPU per restored login', 'ms', median(w.restores.map((r) => r.cpuMsPerLogin)), median(b.restores.map((r) => r.cpuMsPerLogin)), {
      ratio: restoreCpu.ratio,
      ...atMost(t.restore, restoreCpu.ratio),
      ...(allRestored ? {} : { met: false }),
      note: `CPU from listening to all online, median of ${w.restores.length} restarts alternating; ${restoreCpu.note}; wamux ${perRestore(w, (r) => r.cpuMsPerLogin, 1)} ms (online ${perRestore(w, (r) => r.online, 0)} of ${w.linked}), bare ${perRestore(b, (r) => r.cpuMsPerLogin, 1)} ms (online ${perRestore(b, (r) => r.online, 0)} of ${b.linked})`,
    }),
    row('restart → serving', 's', median(w.restores.map((r) => r.servingSeconds)), median(b.restores.map((r) => r.servingSeconds)), {
      note: `from spawn, with ${w.linked} stored instances, median; wamux: /readyz says database and migrations ok (status "restoring"), bare: listening`,
    }),
    row('restart → all online', 's', median(w.restores.map((r) => r.seconds)), median(b.restores.map((r) => r.seconds)), {
      ratio: restoreWall.ratio,
      ...atMost(t.restoreWall, restoreWall.ratio),
      ...(allRestored ? {} : { met: false }),
      note: `from spawn, wall clock, median; ${restoreWall.note}; wamux at its RESTORE_CONCURRENCY=${restoreConcurrency}, bare ${BARE_RESTORE_CONCURRENCY} logins at a time`,
    }),
    row('heap+external per instance, slope', 'KiB', slope(w), slope(b), {
      ...atMost(t.memory, slope(w) / slope(b)),
      note: `after a full GC, between ${w.half.n} and ${w.full.n} instances: what one more instance costs`,
    }),
    row('heap+external per instance, growth ÷ n', 'KiB', (w.full.live - w.emptyLive) / w.full.n / 1024, (b.full.live - b.emptyLive) / b.full.n / 1024, {
      note: `after a full GC: wamux ${mib(w.emptyLive).toFixed(0)} → ${mib(w.full.live).toFixed(0)} MiB, bare ${mib(b.emptyLive).toFixed(0)} → ${mib(b.full.live).toFixed(0)} MiB`,
    }),
    row('RSS per instance, slope', 'MiB', rssSlope(w), rssSlope(b), { note: `between ${w.half.n} and ${w.full.n} instances` }),
    row('RSS per instance, growth ÷ n', 'MiB', mib(w.full.rss - w.emptyRss) / w.full.n, mib(b.full.rss - b.emptyRss) / b.full.n, {
      note: `wamux ${mib(w.emptyRss).toFixed(0)} → ${mib(w.full.rss).toFixed(0)} MiB, bare ${mib(b.emptyRss).toFixed(0)} → ${mib(b.full.rss).toFixed(0)} MiB`,
    }),
    row('RSS with nothing connected', 'MiB', mib(w.emptyRss), mib(b.emptyRss), {
      ...(t.emptyRssMiB === undefined ? {} : { target: `≤ ${t.emptyRssMiB} MiB`, met: mib(w.emptyRss) <= t.emptyRssMiB }),
      note: `migrated, logged in, compiles done; peak before linking: wamux ${mib(w.emptyPeakRss).toFixed(0)} MiB, bare ${mib(b.emptyPeakRss).toFixed(0)} MiB`,
    }),
    ...pacedRows(w, b, database, pacedRate),
    row('heap+external growth from the traffic', 'MiB', mib(w.trafficGrowthLive ?? Number.NaN), mib(b.trafficGrowthLive ?? Number.NaN), {
      note: `after a full GC, after the ${rounds} rounds of sends and receives and the paced sends: what stays (bounded caches fill; nothing should grow with the count)`,
    }),
  ];
}

function pacedRows(w: Measures, b: Measures, database: 'PostgreSQL' | 'PGlite', pacedRate: number): BenchRow[] {
  const p99Ms = TARGETS[database].p99Ms;
  const none = { p50: Number.NaN, p99: Number.NaN, ok: 0, expected: 0 };
  const [wp, bp] = [w.paced ?? none, b.paced ?? none];
  const row = (metric: string, value: number, bare: number, extra: Partial<BenchRow>): BenchRow => ({ bench: BENCH, metric: `${metric} (${database})`, unit: 'ms', value, bare, ...extra });
  return [
    row(`sendText p50 at ${pacedRate} msg/s`, wp.p50, bp.p50, { note: `${wp.ok}/${wp.expected} (wamux), ${bp.ok}/${bp.expected} (bare) answered` }),
    row(`sendText p99 at ${pacedRate} msg/s`, wp.p99, bp.p99, {
      ...(p99Ms === undefined ? {} : { target: `≤ ${p99Ms} ms`, met: wp.p99 <= p99Ms && wp.ok === wp.expected }),
      note: `request → server ack (wamux: stored SENT), open loop: one send every ${1000 / pacedRate} ms however many are in flight`,
    }),
  ];
}
