/**
 * The sandbox benchmark: what the WhatsApp sandbox itself can carry, so that it is never what limits
 * the gateway's own benchmarks (issue 2 aims at 500 companions and 1,000 msgs/s on a 2-core box).
 *
 * The sandbox runs as `npm run sandbox` would, in its own process; its RSS and CPU are read from
 * /proc. Companions are real Baileys sockets in worker processes; phones act through the HTTP
 * control API. Every phase is bounded in count and time and reports what it got even when short.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { CompanionPool } from './lib/companion-pool.ts';
import { ControlClient } from './lib/control-client.ts';
import { monotonicUs, summarizeCpuProfiles, type TimeWindow } from './lib/cpu-profile.ts';
import { cpuBetween, mib, sampleAll, sampleProcess, sumCpu, type ProcSample } from './lib/proc-stats.ts';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process.ts';
import { itemAt, percentile, roundRobin, runPool, sleep, wallNow } from './lib/stats.ts';
import { benchText, type BatchResult } from './lib/worker-protocol.ts';

const BENCH = 'sandbox';
const TARGET_COMPANIONS = 500;
const TARGET_MSGS_PER_S = 1_000;
/** The sandbox's phones send their automatic delivery receipt after this long (network.ts). */
const PHONE_RECEIPT_DELAY_MS = 150;
const SENDERS = Number(process.env.BENCH_SENDERS ?? 10);
const SINKS = 10;

const pad = (n: number) => String(n).padStart(6, '0');

/** CPU of the sandbox and of the companion workers over one phase. */
interface PhaseCost {
  wallSeconds: number;
  sandboxCpuSeconds: number;
  sandboxCorePercent: number;
  workersCorePercent: number;
  /** This process: the control-API client, IPC and bookkeeping. */
  benchCorePercent: number;
}

class Meter {
  private readonly sandboxPid: number;
  private readonly workerPids: number[];
  /** Each measured phase on the monotonic clock, to cut the sandbox's CPU profile by phase. */
  readonly windows: TimeWindow[];

  constructor(sandboxPid: number, workerPids: number[], windows: TimeWindow[]) {
    this.sandboxPid = sandboxPid;
    this.workerPids = workerPids;
    this.windows = windows;
  }

  sandbox(): Promise<ProcSample> {
    return sampleProcess(this.sandboxPid);
  }

  async phase<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; cost: PhaseCost }> {
    const [s0, w0] = await Promise.all([this.sandbox(), sampleAll(this.workerPids)]);
    const bench0 = process.cpuUsage();
    const startUs = monotonicUs();
    const value = await fn();
    this.windows.push({ name, startUs, endUs: monotonicUs() });
    const bench = process.cpuUsage(bench0);
    const [s1, w1] = await Promise.all([this.sandbox(), sampleAll(this.workerPids)]);
    const sandbox = cpuBetween(s0, s1);
    const workersCorePercent = sandbox.wallSeconds > 0 ? (100 * (sumCpu(w1) - sumCpu(w0))) / sandbox.wallSeconds : 0;
    return {
      value,
      cost: {
        wallSeconds: sandbox.wallSeconds,
        sandboxCpuSeconds: sandbox.cpuSeconds,
        sandboxCorePercent: sandbox.corePercent,
        workersCorePercent,
        benchCorePercent: sandbox.wallSeconds > 0 ? (bench.user + bench.system) / 1e4 / sandbox.wallSeconds : 0,
      },
    };
  }

  /**
   * Waits until sandbox and companions are (nearly) idle: Baileys keeps working after `open` (pre-key
   * upload, history, app state), and that work must not be billed to the next phase.
   */
  async quiesce(signal: AbortSignal, maxMs = 20_000, idleCorePercent = 10): Promise<void> {
    const pids = [this.sandboxPid, ...this.workerPids];
    const until = Date.now() + maxMs;
    let before = sumCpu(await sampleAll(pids));
    while (Date.now() < until) {
      await sleep(500, signal);
      const now = sumCpu(await sampleAll(pids));
      if (((now - before) / 0.5) * 100 < idleCorePercent) return;
      before = now;
    }
  }
}

/** Who used the box's cores during a phase (100% = one core): says whether the sandbox was the limit. */
const costNote = (c: PhaseCost) =>
  `CPU: sandbox ${c.sandboxCorePercent.toFixed(0)}%, companions ${c.workersCorePercent.toFixed(0)}%, bench ${c.benchCorePercent.toFixed(0)}%`;
const firstError = ([first]: string[]) => (first === undefined ? '' : `; first error: ${first.slice(0, 120)}`);

function mergeBatches(results: BatchResult[]): BatchResult {
  return {
    ok: results.reduce((n, r) => n + r.ok, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: results.flatMap((r) => r.errors),
    durationsMs: results.flatMap((r) => r.durationsMs),
  };
}

export const sandboxBenchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-sandbox-'));
    let sandbox: SandboxProcess | undefined;
    let pool: CompanionPool | undefined;
    const rows: BenchRow[] = [];
    const windows: TimeWindow[] = [];
    try {
      sandbox = await startSandboxProcess({ state: ctx.options.sandboxState, dataDir: join(dataDir, 'state'), cpuProfDir: ctx.options.cpuProfDir });
      ctx.log(`sandbox pid ${sandbox.pid} at ${sandbox.endpoint.wsUrl} (state: ${ctx.options.sandboxState})`);
      // A sandbox that dies mid-run fails the phase at once instead of letting it wait out its time.
      const died = new AbortController();
      const tail = sandbox.stderrTail;
      void sandbox.exited.then((how) => died.abort(new Error(`the sandbox exited during the run (${how}):\n${tail()}`)));
      const phaseCtx = { ...ctx, signal: AbortSignal.any([ctx.signal, died.signal]) };
      pool = await CompanionPool.start(ctx.options.workers, { ...sandbox.endpoint }, phaseCtx.signal);
      await runPhases(phaseCtx, sandbox, pool, rows, windows);
    } catch (err) {
      if (sandbox) ctx.log(`sandbox stderr (tail):\n${sandbox.stderrTail()}`);
      throw err;
    } finally {
      await pool?.stop();
      await sandbox?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    if (ctx.options.cpuProfDir) ctx.log(await summarizeCpuProfiles(ctx.options.cpuProfDir, windows));
    return rows;
  },
};

async function runPhases(ctx: BenchContext, sandbox: SandboxProcess, pool: CompanionPool, rows: BenchRow[], windows: TimeWindow[]): Promise<void> {
  const { options, signal, log } = ctx;
  const startedAt = Date.now();
  const remaining = (capMs: number) => Math.max(1_000, Math.min(capMs, startedAt + options.timeoutMs - Date.now() - 5_000));
  const row = (r: Omit<BenchRow, 'bench'>) => rows.push({ bench: BENCH, ...r });
  const meter = new Meter(sandbox.pid, pool.pids, windows);
  const control = new ControlClient(sandbox.endpoint.controlUrl);
  const W = pool.workers.length;

  const fresh = await meter.sandbox();

  // ---- phones ---------------------------------------------------------------------------------
  const companionPhones = Array.from({ length: options.companions }, (_, i) => `15551${pad(i + 1)}`);
  const senders = Array.from({ length: SENDERS }, (_, i) => `15552${pad(i + 1)}`);
  const sinks = Array.from({ length: SINKS }, (_, i) => `15553${pad(i + 1)}`);
  const allPhones = [...companionPhones, ...senders, ...sinks];
  const created = await runPool(allPhones.length, 16, (i) => {
    const phone = itemAt(allPhones, i);
    return control.createPhone(phone, `Bench ${phone.slice(-6)}`);
  }, signal);
  const notCreated = created.filter((r) => r.status === 'rejected');
  if (notCreated.length) throw new Error(`could not create ${notCreated.length} phones: ${String((notCreated[0] as PromiseRejectedResult).reason)}`);
  await meter.quiesce(signal, 5_000);
  const idle = await meter.sandbox();
  const idleLive = await sandbox.memory();
  log(`${allPhones.length} phones created; sandbox RSS ${mib(idle.rssBytes).toFixed(0)} MiB`);

  // ---- pairing --------------------------------------------------------------------------------
  log(`linking ${options.companions} companions (${W} workers, ${options.linkConcurrency} at once each)…`);
  const linkMs = remaining(180_000);
  const link = await meter.phase('pairing', () =>
    pool.all('link', (w) => ({ phones: companionPhones.filter((_, i) => i % W === w), concurrency: options.linkConcurrency, timeoutMs: linkMs }), linkMs + 15_000),
  );
  const linked = mergeBatches(link.value);
  const linkedByWorker = link.value.map((r) => r.linkedPhones);
  const linkedPhones = linkedByWorker.flat();
  const workerOf = new Map(linkedByWorker.flatMap((phones, w) => phones.map((p) => [p, w] as const)));
  row({ metric: 'companions linked (QR pairing)', value: linked.ok, unit: 'companions', target: `≥ ${TARGET_COMPANIONS}`, met: linked.ok >= TARGET_COMPANIONS, note: `of ${options.companions}${linked.failed ? `, ${linked.failed} failed` : ''}${firstError(linked.errors)}` });
  row({ metric: 'link rate', value: linked.ok / link.cost.wallSeconds, unit: 'links/s', note: `p50 ${percentile(linked.durationsMs, 50).toFixed(0)} ms per link; ${costNote(link.cost)}` });
  row({ metric: 'sandbox CPU per link', value: (1000 * link.cost.sandboxCpuSeconds) / Math.max(1, linked.ok), unit: 'ms' });
  if (linked.ok === 0) throw new Error(`no companion linked: ${linked.errors[0] ?? 'unknown error'}`);

  await meter.quiesce(signal);
  const connected = await meter.sandbox();
  const connectedLive = await sandbox.memory();
  const live = (m: typeof idleLive) => m.heapUsed + m.external;
  row({ metric: 'sandbox RSS at start', value: mib(fresh.rssBytes), unit: 'MiB', note: 'no phones yet' });
  row({ metric: 'sandbox RSS, phones only', value: mib(idle.rssBytes), unit: 'MiB', note: `${allPhones.length} phones, no companion` });
  row({ metric: `sandbox RSS, ${linked.ok} companions connected`, value: mib(connected.rssBytes), unit: 'MiB' });
  row({ metric: 'sandbox RSS per connected companion', value: (connected.rssBytes - idle.rssBytes) / 1024 / linked.ok, unit: 'KiB', note: 'RSS growth / companions' });
  row({
    metric: 'sandbox live memory per companion',
    value: (live(connectedLive) - live(idleLive)) / 1024 / linked.ok,
    unit: 'KiB',
    note: `JS heap + external after a full GC: ${mib(live(idleLive)).toFixed(0)} → ${mib(live(connectedLive)).toFixed(0)} MiB`,
  });

  // ---- login with stored creds ----------------------------------------------------------------
  log('reconnecting all companions with stored creds…');
  await pool.all('disconnect', () => ({ timeoutMs: 10_000 }), 20_000);
  await meter.quiesce(signal, 10_000);
  const loginMs = remaining(120_000);
  const login = await meter.phase('login', () => pool.all('login', () => ({ concurrency: options.linkConcurrency * 2, timeoutMs: loginMs }), loginMs + 15_000));
  const logins = mergeBatches(login.value);
  row({ metric: 'login rate (stored creds)', value: logins.ok / login.cost.wallSeconds, unit: 'logins/s', note: `${logins.ok}/${linked.ok} back online${firstError(logins.errors)}; ${costNote(login.cost)}` });
  row({ metric: 'sandbox CPU per login', value: (1000 * login.cost.sandboxCpuSeconds) / Math.max(1, logins.ok), unit: 'ms' });
  await meter.quiesce(signal);

  // ---- phone -> companion (the sandbox encrypts) ----------------------------------------------
  // Warm-up: the first message to each companion opens its Signal session (pkmsg); measure steady state.
  log('phone → companion…');
  await phoneToCompanions(ctx, pool, control, 'p2c-warm', linkedPhones.length, (i) => ({ from: roundRobin(senders, i), to: itemAt(linkedPhones, i) }), workerOf, remaining(60_000));
  await meter.quiesce(signal);
  const p2cCount = options.messages;
  const p2c = await meter.phase('phone → companion', () =>
    phoneToCompanions(ctx, pool, control, 'p2c', p2cCount, (i) => ({ from: roundRobin(senders, i), to: roundRobin(linkedPhones, i) }), workerOf, remaining(120_000)),
  );
  const p2cRate = p2c.value.received / ((p2c.value.lastAt - p2c.value.startedAt) / 1000);
  const p2cCpuMs = (1000 * p2c.cost.sandboxCpuSeconds) / Math.max(1, p2c.value.received);
  row({
    metric: 'phone → companion throughput',
    value: p2cRate,
    unit: 'msgs/s',
    target: `≥ ${TARGET_MSGS_PER_S}`,
    met: p2cRate >= TARGET_MSGS_PER_S,
    note: `${p2c.value.received}/${p2cCount} received, ${options.window} HTTP sends in flight${firstError(p2c.value.errors)}; ${costNote(p2c.cost)}`,
  });
  row({ metric: 'phone → companion latency p50 (loaded)', value: percentile(p2c.value.latenciesMs, 50), unit: 'ms', note: 'control API call → Baileys messages.upsert, at full throughput' });
  row({ metric: 'phone → companion latency p99 (loaded)', value: percentile(p2c.value.latenciesMs, 99), unit: 'ms' });
  row({
    metric: 'control API send p50 / p99 (loaded)',
    value: percentile(p2c.value.httpLatenciesMs, 50),
    unit: 'ms',
    note: `p99 ${percentile(p2c.value.httpLatenciesMs, 99).toFixed(0)} ms: POST /phones/:phone/messages until the sandbox answered 201`,
  });
  row({ metric: 'sandbox CPU per phone → companion msg', value: p2cCpuMs, unit: 'ms', note: `HTTP request + Signal encrypt + noise; ≈ ${Math.round(1000 / p2cCpuMs)} msgs/s per sandbox core` });

  await meter.quiesce(signal);
  const pacedCount = Math.max(20, Math.round(options.pacedRate * 2));
  const paced = await pacedPhoneToCompanions(ctx, pool, control, 'p2c-paced', pacedCount, options.pacedRate, (i) => ({ from: roundRobin(senders, i), to: roundRobin(linkedPhones, i) }), workerOf, remaining(60_000));
  row({ metric: `phone → companion latency p50 @ ${options.pacedRate}/s`, value: percentile(paced.latenciesMs, 50), unit: 'ms', note: `${paced.received}/${pacedCount} received, paced (open loop)` });
  row({ metric: `phone → companion latency p99 @ ${options.pacedRate}/s`, value: percentile(paced.latenciesMs, 99), unit: 'ms' });

  // ---- companion -> phone (the sandbox decrypts) ----------------------------------------------
  log('companion → phone…');
  await meter.quiesce(signal);
  // Warm-up: the first send does usync, fetches pre-key bundles and opens sessions.
  const warmMs = remaining(60_000);
  await pool.all('send', () => ({ run: 'c2p-warm', targets: sinks, perCompanion: 1, timeoutMs: warmMs }), warmMs + 15_000);
  await meter.quiesce(signal);
  const perCompanion = Math.max(1, Math.round(options.messages / linkedPhones.length));
  const c2pMs = remaining(120_000);
  const c2p = await meter.phase('companion → phone', () => pool.all('send', () => ({ run: 'c2p', targets: sinks, perCompanion, timeoutMs: c2pMs }), c2pMs + 15_000));
  const c2pSent = c2p.value.reduce((n, r) => n + r.sent, 0);
  const c2pDelivered = c2p.value.reduce((n, r) => n + r.delivered, 0);
  const c2pStart = Math.min(...c2p.value.map((r) => r.startedAt));
  const c2pEnd = Math.max(...c2p.value.map((r) => r.lastDeliveredAt));
  const c2pLatencies = c2p.value.flatMap((r) => r.latenciesMs);
  const c2pRate = c2pDelivered / ((c2pEnd - c2pStart) / 1000);
  const c2pCpuMs = (1000 * c2p.cost.sandboxCpuSeconds) / Math.max(1, c2pDelivered);
  row({
    metric: 'companion → phone throughput',
    value: c2pRate,
    unit: 'msgs/s',
    target: `≥ ${TARGET_MSGS_PER_S}`,
    met: c2pRate >= TARGET_MSGS_PER_S,
    note: `${c2pDelivered}/${perCompanion * linkedPhones.length} delivered (${c2pSent} sent)${firstError(c2p.value.flatMap((r) => r.errors))}; ${costNote(c2p.cost)}`,
  });
  row({ metric: 'companion → phone latency p50 (loaded)', value: percentile(c2pLatencies, 50), unit: 'ms', note: `sendMessage → delivery receipt, incl. the phone's ${PHONE_RECEIPT_DELAY_MS} ms receipt delay; queueing in Baileys at full load` });
  row({ metric: 'companion → phone latency p99 (loaded)', value: percentile(c2pLatencies, 99), unit: 'ms' });
  row({ metric: 'sandbox CPU per companion → phone msg', value: c2pCpuMs, unit: 'ms', note: `2 Signal decrypts (recipient + sender's own phone) + receipt; ≈ ${Math.round(1000 / c2pCpuMs)} msgs/s per sandbox core` });

  await meter.quiesce(signal);
  const pacedC2pMs = remaining(60_000);
  const pacedPer = Math.max(1, Math.round((options.pacedRate * 2) / linkedPhones.length));
  const pacedC2p = await pool.all('send', () => ({ run: 'c2p-paced', targets: sinks, perCompanion: pacedPer, ratePerSecond: options.pacedRate / W, timeoutMs: pacedC2pMs }), pacedC2pMs + 15_000);
  const pacedC2pLatencies = pacedC2p.flatMap((r) => r.latenciesMs);
  row({
    metric: `companion → phone latency p50 @ ${options.pacedRate}/s`,
    value: percentile(pacedC2pLatencies, 50),
    unit: 'ms',
    note: `${pacedC2pLatencies.length}/${pacedPer * linkedPhones.length} delivered, paced; incl. the ${PHONE_RECEIPT_DELAY_MS} ms receipt delay`,
  });
  row({ metric: `companion → phone latency p99 @ ${options.pacedRate}/s`, value: percentile(pacedC2pLatencies, 99), unit: 'ms' });

  const end = await meter.sandbox();
  row({ metric: 'sandbox CPU used, whole run', value: end.cpuSeconds, unit: 's', note: `over ${((Date.now() - startedAt) / 1000).toFixed(0)} s` });
  row({ metric: 'sandbox peak RSS', value: mib(end.peakRssBytes), unit: 'MiB' });
}

interface PushResult {
  /** Control API round trips (request → 201), i.e. how long the sandbox took to take each message. */
  httpLatenciesMs: number[];
  received: number;
  latenciesMs: number[];
  startedAt: number;
  lastAt: number;
  errors: string[];
}

type Route = (i: number) => { from: string; to: string };

/** Closed loop: `count` texts through the control API, `window` requests in flight; waits for the companions to get them. */
async function phoneToCompanions(ctx: BenchContext, pool: CompanionPool, control: ControlClient, run: string, count: number, route: Route, workerOf: Map<string, number>, timeoutMs: number): Promise<PushResult> {
  const deadline = Date.now() + timeoutMs;
  const startedAt = wallNow();
  const httpLatenciesMs: number[] = [];
  const sends = runPool(count, ctx.options.window, async (i) => {
    if (Date.now() >= deadline) throw new Error('time is up');
    const { from, to } = route(i);
    const sentAt = wallNow();
    await control.sendText(from, to, benchText(run, sentAt, i));
    httpLatenciesMs.push(wallNow() - sentAt);
  }, ctx.signal);
  return { ...(await collect(pool, run, count, route, workerOf, sends, startedAt, deadline)), httpLatenciesMs };
}

/** Open loop at a fixed rate, to see latency when the sandbox is not saturated. */
async function pacedPhoneToCompanions(ctx: BenchContext, pool: CompanionPool, control: ControlClient, run: string, count: number, rate: number, route: Route, workerOf: Map<string, number>, timeoutMs: number): Promise<PushResult> {
  const deadline = Date.now() + timeoutMs;
  const startedAt = wallNow();
  const sends = (async () => {
    const inFlight: Promise<PromiseSettledResult<unknown>>[] = [];
    for (let i = 0; i < count && Date.now() < deadline; i++) {
      const due = startedAt + (i * 1000) / rate;
      if (due > wallNow()) await sleep(due - wallNow(), ctx.signal);
      const { from, to } = route(i);
      inFlight.push(control.sendText(from, to, benchText(run, wallNow(), i)).then((value) => ({ status: 'fulfilled' as const, value }), (reason) => ({ status: 'rejected' as const, reason })));
    }
    return Promise.all(inFlight);
  })();
  return { ...(await collect(pool, run, count, route, workerOf, sends, startedAt, deadline)), httpLatenciesMs: [] };
}

async function collect(pool: CompanionPool, run: string, count: number, route: Route, workerOf: Map<string, number>, sends: Promise<PromiseSettledResult<unknown>[]>, startedAt: number, deadline: number): Promise<Omit<PushResult, 'httpLatenciesMs'>> {
  const expected = new Array<number>(pool.workers.length).fill(0);
  for (let i = 0; i < count; i++) {
    const { to } = route(i);
    const worker = workerOf.get(to);
    if (worker === undefined) throw new Error(`no companion worker holds ${to}`);
    expected[worker] = (expected[worker] ?? 0) + 1;
  }
  const waitMs = Math.max(1_000, deadline - Date.now());
  const [sent, got] = await Promise.all([sends, pool.all('collect', (w) => ({ run, expected: expected[w] ?? 0, timeoutMs: waitMs }), waitMs + 15_000)]);
  const errors = sent.flatMap((r) => (r?.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
  return {
    received: got.reduce((n, r) => n + r.received, 0),
    latenciesMs: got.flatMap((r) => r.latenciesMs),
    startedAt,
    lastAt: Math.max(...got.map((r) => r.lastAt)),
    errors,
  };
}
