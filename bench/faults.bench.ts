/**
 * The fault benchmark: the same seeded fault schedule (drops, stream errors 515/500/503, delays, a
 * refused-logins window, writes dropped before the ack, duplicate and out-of-order delivery, phones
 * that cannot decrypt, reset their sessions or get a new identity, 463/475 refusals), applied in one
 * run to bare Baileys (in-memory keys, `makeCacheableSignalKeyStore`) and to wamux (its own process,
 * keys in its database, GraphQL only), both linked to one standalone sandbox, with traffic both ways.
 *
 * Counted per direction and subject: sent, received, lost, duplicated, undecryptable (as the server
 * saw it: retry receipts and "key used already" nacks from the subject's devices; failed decrypts of
 * its messages at the phones), and instances that read as connected while a message sent to them
 * `silentMs` ago had not arrived. Sized by BENCH_FAULTS_* (defaults: 4 instances, 180 s, ≥ 100 faults).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustSandbox } from '../src/sandbox/trust.ts';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { FaultControl } from './lib/fault-control.ts';
import { planFaults, type PlannedFault } from './lib/fault-plan.ts';
import { BareSubject, type FaultSubject } from './lib/fault-subjects.ts';
import { faultText, parseFaultText, SubjectTally, type DirectionCounts } from './lib/fault-tally.ts';
import { WamuxSubject } from './lib/fault-wamux.ts';
import { drainBacklog, type BacklogDrain } from './lib/fault-backlog.ts';
import { provisionBenchDatabase } from './lib/bench-database.ts';
import { summarizeCpuProfiles, type TimeWindow } from './lib/cpu-profile.ts';
import { PGLITE_MALLOC_TUNABLES } from './lib/subjects.ts';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process.ts';
import { percentile, sleep } from './lib/stats.ts';

const BENCH = 'faults';

function settings() {
  const int = (name: string, fallback: number) => {
    const n = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
    return Math.round(n);
  };
  const seconds = int('BENCH_FAULTS_SECONDS', 180);
  return {
    instances: Math.max(1, int('BENCH_FAULTS_INSTANCES', 4)),
    durationMs: seconds * 1000,
    faults: int('BENCH_FAULTS_COUNT', Math.max(100, Math.round(seconds * 0.6))),
    /** Messages per second in each direction, per subject. */
    rate: Math.max(1, int('BENCH_FAULTS_RATE', 2)),
    seed: int('BENCH_FAULTS_SEED', 12),
    silentMs: int('BENCH_FAULTS_SILENT_S', 15) * 1000,
    drainMs: int('BENCH_FAULTS_DRAIN_S', 30) * 1000,
    /** Messages piled up for one offline instance in the backlog phase (0: no backlog phase). */
    backlog: int('BENCH_FAULTS_BACKLOG', 500),
    /** Drains of that backlog per subject, alternating which goes first; the rate is their median. */
    backlogReps: Math.max(1, int('BENCH_FAULTS_BACKLOG_REPS', 3)),
    /**
     * Drains per subject before the measured ones, not counted (0: none). A process's first drains
     * pay for V8 compiling the drain's path, and wamux has more of it to compile than bare Baileys:
     * five drains of 2,000 in a row read 917 → 1,075 → 1,460 → 1,538 → 1,538 per core-second for
     * wamux on PGlite and 1,414 → 1,909 → 1,437 → 2,175 → 1,684 for bare. As the gateway bench's
     * warm-up does, this makes the rows a running gateway's rates.
     */
    backlogWarmup: Math.max(0, int('BENCH_FAULTS_BACKLOG_WARMUP', 1)),
  };
}

const phoneOf = (base: number, i: number) => String(base + i);

export const faultsBenchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const s = settings();
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-faults-'));
    let sandbox: SandboxProcess | undefined;
    const subjects: FaultSubject[] = [];
    let untrust = () => {};
    let database: Awaited<ReturnType<typeof provisionBenchDatabase>>;
    // --cpu-prof <dir>: the wamux gateway is profiled into <dir>/faults-wamux, cut by backlog drain.
    const profDir = ctx.options.cpuProfDir ? join(ctx.options.cpuProfDir, 'faults-wamux') : undefined;
    const drainWindows: TimeWindow[] = [];
    try {
      if (profDir) await mkdir(profDir, { recursive: true });
      // A database of its own on the PostgreSQL server, dropped after: a run never meets an earlier one's instances.
      database = await provisionBenchDatabase(process.env.BENCH_DATABASE_URL);
      sandbox = await startSandboxProcess({ state: 'memory', dataDir: join(dataDir, 'sandbox') });
      const { endpoint } = sandbox;
      untrust = trustSandbox({ rootPublicKey: Buffer.from(endpoint.rootPublicKey, 'hex'), caCertPem: readFileSync(endpoint.caCertPath, 'utf8') });
      const control = new FaultControl(endpoint.controlUrl);
      const slots = Array.from({ length: s.instances }, (_, i) => i);
      const wamux = new WamuxSubject(
        slots.map((i) => phoneOf(15555000000, i)),
        slots.map((i) => phoneOf(15557000000, i)),
        {
          DATA_DIR: join(dataDir, 'gateway'),
          WA_SANDBOX: 'true',
          SANDBOX_URL: endpoint.controlUrl,
          ...(database ? { DATABASE_URL: database.url, JWT_SECRET: 'b'.repeat(64), SECRETS_KEY: 'c'.repeat(64) } : { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? PGLITE_MALLOC_TUNABLES }),
        },
        profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
      );
      const bare = new BareSubject(
        slots.map((i) => phoneOf(15556000000, i)),
        slots.map((i) => phoneOf(15558000000, i)),
        endpoint.wsUrl,
      );
      subjects.push(wamux, bare);
      for (const subject of subjects) for (const phone of [...subject.phones, ...subject.peers]) await control.createPhone(phone, `Faults ${phone.slice(-4)}`);
      for (const subject of subjects) {
        ctx.log(`faults: linking ${s.instances} ${subject.name} instances…`);
        await subject.link(control, ctx.signal);
      }
      const tallies = new Map(subjects.map((subject) => [subject.name, new SubjectTally(subject.name, s.instances)]));
      for (const subject of subjects) {
        const tally = tallies.get(subject.name)!;
        subject.onReceive = (slot, id, text) => {
          const parsed = parseFaultText(text);
          if (parsed?.subject === subject.name && parsed.dir === 'in') tally.received(slot, parsed.seq, id);
        };
      }
      const plan = planFaults({ seed: s.seed, durationMs: s.durationMs, count: s.faults, slots: s.instances, peers: s.instances });
      ctx.log(`faults: ${s.durationMs / 1000} s of traffic (${s.rate}/s each way per subject) under ${plan.length} fault events, seed ${s.seed}`);
      // libsignal reports every closed session and failed decrypt with console.* (the bare subject runs
      // here): keep stdout for the table and stderr for the progress.
      const quiet = silenceConsole();
      let applied: Applied;
      try {
        applied = await runTraffic(ctx, { subjects, tallies, control, plan, settings: s });
        ctx.log(`faults: draining up to ${s.drainMs / 1000} s…`);
        await control.fault({ kind: 'clear' });
        await drain(ctx, control, subjects, tallies, s);
      } finally {
        quiet();
      }
      const rows = await collect(control, subjects, tallies, s.silentMs, applied.log);
      // The counts above stand even when the backlog phase fails.
      if (s.backlog > 0) {
        rows.push(
          ...(await backlogRows(ctx, control, subjects, s.backlog, s.backlogReps, s.backlogWarmup, drainWindows).catch((err: unknown) => [
            { bench: BENCH, metric: 'backlog drained after a reconnect', value: 0, unit: 'msgs/s', met: false, note: `failed: ${String((err as Error)?.message ?? err)}` },
          ])),
        );
      }
      const events = plan.filter((f) => !(f.request.kind === 'delay' && f.request.ms === 0)).length;
      rows.push({
        bench: BENCH,
        metric: 'fault events (each hits both subjects)',
        value: events,
        unit: 'faults',
        target: '≥ 100',
        met: events >= 100 && applied.failed === 0,
        note: `${applied.ok} control calls applied, ${applied.failed} failed; seed ${s.seed}, ${s.instances} instances per subject, ${s.durationMs / 1000} s, ${s.rate} msgs/s each way`,
      });
      return rows;
    } catch (err) {
      if (wamuxOf(subjects)?.gateway) ctx.log(`gateway output (tail):\n${wamuxOf(subjects)!.gateway!.outputTail()}`);
      if (sandbox) ctx.log(`sandbox stderr (tail):\n${sandbox.stderrTail()}`);
      throw err;
    } finally {
      for (const subject of subjects) await subject.stop().catch(() => undefined);
      if (profDir) ctx.log(await summarizeCpuProfiles(profDir, drainWindows, 'wamux', 'src/').catch((err: unknown) => `no wamux profile: ${String(err)}`));
      await database?.drop().catch((err: unknown) => ctx.log(`dropping the bench database failed: ${String(err)}`));
      await sandbox?.stop();
      untrust();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

const wamuxOf = (subjects: FaultSubject[]) => subjects.find((x): x is WamuxSubject => x.name === 'wamux');

interface Traffic {
  subjects: FaultSubject[];
  tallies: Map<string, SubjectTally>;
  control: FaultControl;
  plan: PlannedFault[];
  settings: ReturnType<typeof settings>;
}

/** The faults as applied: how many control calls took, and each one with its time and phone (for BENCH_FAULTS_DUMP). */
interface Applied {
  ok: number;
  failed: number;
  log: Array<Record<string, unknown> & { at: number; kind: string }>;
}

/** Paced sends both ways for every subject while the plan's faults fire on time; returns how many applied. */
async function runTraffic(ctx: BenchContext, { subjects, tallies, control, plan, settings: s }: Traffic): Promise<Applied> {
  const start = Date.now();
  const applied: Applied = { ok: 0, failed: 0, log: [] };
  const faults = (async () => {
    for (const fault of plan) {
      const wait = start + fault.atMs - Date.now();
      if (wait > 0) await sleep(wait, ctx.signal);
      const targets = fault.target === 'network' ? [undefined] : subjects.map((x) => (fault.target === 'peer' ? x.peers : x.phones)[fault.index]);
      for (const phoneNumber of targets) {
        applied.log.push({ at: Date.now(), ...fault.request, ...(phoneNumber ? { phoneNumber } : {}) });
        await control.fault({ ...fault.request, ...(phoneNumber ? { phoneNumber } : {}) }).then(
          () => applied.ok++,
          (err: Error) => (applied.failed++, ctx.log(`fault ${fault.request.kind} failed: ${err.message}`)),
        );
      }
    }
  })();
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const sampler = setInterval(() => {
    for (const subject of subjects) tallies.get(subject.name)!.sample(Date.now(), (slot) => subject.isOnline(slot), s.silentMs);
  }, 1_000);
  try {
    for (let seq = 0; Date.now() - start < s.durationMs; seq++) {
      const slot = seq % s.instances;
      const peerIndex = (seq + Math.floor(seq / s.instances)) % s.instances;
      for (const subject of subjects) {
        const peer = subject.peers[peerIndex]!;
        const tally = tallies.get(subject.name)!;
        track(subject.send(slot, peer, faultText(subject.name, 'out', seq)).then((id) => tally.sentOut(seq, id), (err: unknown) => tally.refusedOutByApp(String((err as Error)?.message ?? err).slice(0, 80))));
        const at = Date.now();
        track(control.sendText(peer, subject.phones[slot]!, faultText(subject.name, 'in', seq)).then((r) => tally.sentIn(seq, slot, at, r.id), () => tally.sendInFailed()));
      }
      await sleep(Math.max(0, start + ((seq + 1) * 1000) / s.rate - Date.now()), ctx.signal);
    }
    await faults;
    await Promise.allSettled([...inFlight]);
  } finally {
    clearInterval(sampler);
  }
  ctx.log(`faults: ${applied.ok} fault calls applied in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  return applied;
}

/**
 * After the faults: wait until every inbound message arrived and every accepted send arrived at its
 * phone or ended (refused, failed), or `drainMs` passed, still watching for silent instances.
 */
async function drain(ctx: BenchContext, control: FaultControl, subjects: FaultSubject[], tallies: Map<string, SubjectTally>, s: ReturnType<typeof settings>): Promise<void> {
  const until = Date.now() + s.drainMs;
  while (Date.now() < until) {
    for (const subject of subjects) tallies.get(subject.name)!.sample(Date.now(), (slot) => subject.isOnline(slot), s.silentMs);
    if ([...tallies.values()].every((t) => t.pendingIn() === 0)) {
      const [stats, inboxes] = await Promise.all([control.stats(), readInboxes(control, subjects)]);
      if (subjects.every((x) => tallies.get(x.name)!.awaitingOut(stats, inboxes.get(x.name)!, (id) => x.outcome(id)) === 0)) break;
    }
    await sleep(1_000, ctx.signal);
  }
}

/** Outbound arrivals: what the peer phones recorded, per subject, by bench sequence number and message id. */
async function readInboxes(control: FaultControl, subjects: FaultSubject[]): Promise<Map<string, Map<number, Set<string>>>> {
  const inboxes = new Map<string, Map<number, Set<string>>>(subjects.map((x) => [x.name, new Map()]));
  for (const peer of subjects.flatMap((x) => x.peers)) {
    for (const m of await control.messages(peer)) {
      const parsed = parseFaultText(m.text);
      const inbox = parsed?.dir === 'out' ? inboxes.get(parsed.subject) : undefined;
      if (!inbox || !parsed) continue;
      let ids = inbox.get(parsed.seq);
      if (!ids) inbox.set(parsed.seq, (ids = new Set()));
      ids.add(m.id);
    }
  }
  return inboxes;
}

async function collect(control: FaultControl, subjects: FaultSubject[], tallies: Map<string, SubjectTally>, silentMs: number, faults: Applied['log']): Promise<BenchRow[]> {
  const stats = await control.stats();
  const inboxes = await readInboxes(control, subjects);
  const counts = new Map(
    subjects.map((x) => {
      const tally = tallies.get(x.name)!;
      return [x.name, { in: tally.inbound(stats, x.phones), out: tally.outbound(stats, x.phones, inboxes.get(x.name)!, (id) => x.outcome(id)), tally }];
    }),
  );
  if (process.env.BENCH_FAULTS_DUMP) {
    const dump = {
      subjects: Object.fromEntries(subjects.map((x) => [x.name, { phones: x.phones, peers: x.peers }])),
      faults,
      stats,
      lost: Object.fromEntries([...counts].map(([name, c]) => [name, { out: c.tally.lostOut, in: c.tally.lostIn }])),
    };
    writeFileSync(process.env.BENCH_FAULTS_DUMP, JSON.stringify(dump, null, 1));
  }
  const w = counts.get('wamux')!;
  const b = counts.get('bare')!;
  const rows: BenchRow[] = [];
  const zeroBetter = new Set<keyof DirectionCounts>(['lost', 'duplicated', 'undecryptable']);
  for (const dir of ['in', 'out'] as const) {
    for (const key of ['sent', 'refusedByApp', 'refusedByServer', 'received', 'lost', 'failedLater', 'stillQueued', 'lostBeforeServer', 'lostUndecrypted', 'duplicated', 'undecryptable', 'injectedDecryptFailures', 'sessionLostDecryptFailures'] as const) {
      if (dir === 'in' && ['refusedByServer', 'failedLater', 'stillQueued', 'lostBeforeServer', 'lostUndecrypted', 'injectedDecryptFailures', 'sessionLostDecryptFailures'].includes(key)) continue;
      const why = dir === 'out' && key === 'refusedByApp' ? `wamux: ${w.tally.refusalReasons()}; bare: ${b.tally.refusalReasons()}` : undefined;
      rows.push(compareRow(`${dir === 'in' ? 'phones → instances' : 'instances → phones'}: ${key}`, w[dir][key] ?? 0, b[dir][key] ?? 0, zeroBetter.has(key), why));
    }
  }
  const nacks = (x: FaultSubject) => {
    const codes: Record<string, number> = {};
    for (const phone of x.phones) for (const [code, n] of Object.entries(stats.companionNacks[phone] ?? {})) codes[code] = (codes[code] ?? 0) + n;
    return { total: Object.values(codes).reduce((a, b) => a + b, 0), detail: Object.entries(codes).map(([c, n]) => `${c}×${n}`).join(' ') || 'none' };
  };
  const [wn, bn] = [nacks(subjects.find((x) => x.name === 'wamux')!), nacks(subjects.find((x) => x.name === 'bare')!)];
  // 487 "key used already" answers a duplicate, or a redelivered message the device had decrypted but not shown (lost).
  rows.push({ ...compareRow('phones → instances: nacked by the device', wn.total, bn.total, false, `codes wamux ${wn.detail}, bare ${bn.detail}`), unit: 'stanzas' });
  const share = (t: SubjectTally) => (t.samples ? (100 * t.onlineSamples) / t.samples : 0);
  rows.push({ ...compareRow('share of time connected (sampled each second)', Math.round(share(w.tally)), Math.round(share(b.tally)), false), unit: '%' });
  // What the server still holds for the subjects' devices (never acked, or not yet redelivered).
  const backlog = async (x: FaultSubject) => {
    let total = 0;
    for (const phone of x.phones) total += await control.backlog(phone);
    return total;
  };
  rows.push({ ...compareRow('stanzas left unacked at the server', await backlog(subjects.find((x) => x.name === 'wamux')!), await backlog(subjects.find((x) => x.name === 'bare')!), false), unit: 'stanzas' });
  rows.push(compareRow(`instances ONLINE but silent ≥ ${silentMs / 1000} s`, w.tally.silentSlots.size, b.tally.silentSlots.size, true, `longest silence wamux ${(w.tally.longestSilenceMs / 1000).toFixed(0)} s, bare ${(b.tally.longestSilenceMs / 1000).toFixed(0)} s`));
  return rows;
}

/**
 * The backlog phase, as rows: `warmup` drains per subject not counted, then `reps` measured ones,
 * alternating which goes first (wamux, bare; bare, wamux; …) so a load that changes meanwhile falls
 * on both, each from a fresh peer phone. The rate is the median per core-second; the ratio, as in
 * the gateway bench, the median of each pair's ratio (target ≥ 0.8×), every drain in the note.
 */
async function backlogRows(ctx: BenchContext, control: FaultControl, subjects: FaultSubject[], count: number, reps: number, warmup: number, windows: TimeWindow[]): Promise<BenchRow[]> {
  const quiet = silenceConsole();
  const drained = new Map<string, BacklogDrain[]>(subjects.map((x) => [x.name, []]));
  const warm = new Map<string, BacklogDrain[]>(subjects.map((x) => [x.name, []]));
  try {
    for (let rep = 0; rep < warmup + reps; rep++) {
      const measured = rep >= warmup;
      const order = rep % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of order) {
        const peer = `1555900${subjects.indexOf(subject)}${String(rep).padStart(3, '0')}`;
        await control.createPhone(peer, `Backlog ${peer.slice(-4)}`);
        const drain = await drainBacklog(ctx, control, subject, peer, count, 180_000);
        (measured ? drained : warm).get(subject.name)!.push(drain);
        if (subject.name === 'wamux' && measured) windows.push({ name: `backlog drain ${rep - warmup + 1}`, startUs: drain.startUs, endUs: drain.endUs });
      }
    }
  } finally {
    quiet();
    await control.fault({ kind: 'clear' });
  }
  const median = (xs: readonly number[]) => percentile(xs, 50);
  const rates = (xs: BacklogDrain[]) => xs.map((x) => x.perCoreSecond);
  const w = drained.get('wamux')!;
  const b = drained.get('bare')!;
  const ratios = w.map((x, i) => (b[i]!.perCoreSecond > 0 ? x.perCoreSecond / b[i]!.perCoreSecond : 0));
  const ratio = median(ratios);
  const detail = (xs: BacklogDrain[]) => xs.map((x) => `${Math.round(x.perCoreSecond)}/s (${x.received}/${x.sent} in ${x.wallSeconds.toFixed(1)} s, ${x.cpuSeconds.toFixed(2)} s CPU, load ${x.load.toFixed(1)})`).join(', ');
  const warmNote = warmup ? `; not counted (warm-up): wamux ${detail(warm.get('wamux')!)}, bare ${detail(warm.get('bare')!)}` : '';
  return [
    {
      bench: BENCH,
      metric: `backlog of ${count} drained after a reconnect, per core-second (median of ${reps}${warmup ? `, after ${warmup} not counted` : ''})`,
      value: Math.round(median(rates(w))),
      unit: 'msgs/s',
      target: '≥ 0.8× bare',
      met: ratio >= 0.8 && w.every((x) => x.received === count),
      note: `bare ${Math.round(median(rates(b)))}; wamux/bare ${ratio.toFixed(2)} (median of the pairs' ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}); wamux ${detail(w)}; bare ${detail(b)} (bare's CPU is the bench process's)${warmNote}`,
    },
  ];
}

/** wamux's number, bare Baileys' beside it and the ratio; for a failure count the target is 0 and never worse than bare. */
function compareRow(metric: string, wamux: number, bare: number, failureCount: boolean, extra?: string): BenchRow {
  const ratio = bare > 0 ? (wamux / bare).toFixed(2) : wamux === 0 ? '—' : '∞';
  return {
    bench: BENCH,
    metric,
    value: wamux,
    unit: 'wamux',
    ...(failureCount ? { target: '0, ≤ bare', met: wamux === 0 && wamux <= bare } : {}),
    note: `bare ${bare}; wamux/bare ${ratio}${extra ? `; ${extra}` : ''}`,
  };
}

/** Mutes console.log/info/warn/error until the returned function is called. */
function silenceConsole(): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const mute = () => {};
  Object.assign(console, { log: mute, info: mute, warn: mute, error: mute });
  return () => Object.assign(console, saved);
}
