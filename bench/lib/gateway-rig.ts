/**
 * One subject of the gateway benchmark with all it runs on, kept up between phases so the bench can
 * interleave the subjects' measured windows: its own sandbox process with the instance and peer
 * phones, the subject process, the instances it linked, and a count of the messages it received.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from './benchmark.ts';
import { ControlClient } from './control-client.ts';
import { monotonicUs, summarizeCpuProfiles, type TimeWindow } from './cpu-profile.ts';
import type { GatewayProcess } from './gateway-process.ts';
import { summarizeHeapProfile } from './heap-profile.ts';
import { cpuBetween, mib, quiesce, sampleProcess, type ProcSample } from './proc-stats.ts';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.ts';
import { percentile, runPool, sleep } from './stats.ts';
import { startSubject, type Subject, type SubjectKind, type SubjectSetup } from './subjects.ts';

export const PEERS = 10;
const instancePhone = (i: number) => `1555300${String(i).padStart(4, '0')}`;
const peerPhone = (i: number) => `1555400${String(i).padStart(4, '0')}`;

export interface Rate {
  ok: number;
  expected: number;
  perCore: number;
  note: string;
  /** With --heap-sample: bytes the subject allocated per message in the window. */
  allocatedPerMessage?: number;
}

/** What one reading of a subject's memory holds: RSS from /proc, live heap + external after a full GC. */
export interface MemoryReading {
  n: number;
  rss: number;
  live: number;
}

export const firstError = (results: PromiseSettledResult<unknown>[]) => {
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  return failed ? `; first error: ${String(failed.reason).slice(0, 100)}` : '';
};

function rate(ok: number, expected: number, a: ProcSample, b: ProcSample, window: number, results: PromiseSettledResult<unknown>[]): Rate {
  const cost = cpuBetween(a, b);
  return {
    ok,
    expected,
    perCore: cost.cpuSeconds > 0 ? ok / cost.cpuSeconds : 0,
    note: `${ok}/${expected} in ${cost.wallSeconds.toFixed(1)} s = ${(ok / cost.wallSeconds).toFixed(0)}/s wall at ${cost.corePercent.toFixed(0)}% of a core, ${window} in flight${firstError(results)}`,
  };
}

/** `promise`, or undefined after `ms`; the timer is cleared either way (a pending one would hold the run's exit). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits (up to 3 min) until V8's compiler zones are small again. On PGlite one WebAssembly function
 * (107 KB of code) is optimised in the background after boot with a ≈ 600 MB zone, for a minute
 * and more on a loaded box: measured during it, "nothing connected" would be that compile, and
 * beside another subject's window it would be CPU taken from it.
 */
async function compilesDone(proc: GatewayProcess, signal: AbortSignal): Promise<void> {
  const until = Date.now() + 180_000;
  while (Date.now() < until && (await proc.memory(30_000, false)).compilerZones > 64 * 1024 * 1024) await sleep(2_000, signal);
}

export class GatewayRig {
  readonly kind: SubjectKind;
  readonly ids: string[] = [];
  /** The measured phases on the profile's clock (--cpu-prof), summarised when the process exits. */
  readonly windows: TimeWindow[] = [];
  private readonly ctx: BenchContext;
  private readonly sandbox: SandboxProcess;
  private readonly control: ControlClient;
  private readonly setup: SubjectSetup;
  private readonly profDir: string | undefined;
  private subject: Subject | undefined;
  private stopInbox: (() => void) | undefined;
  /** Messages received since `expectReceived` last reset the count, and what ends its wait. */
  private received = 0;
  /** Heap profiles written so far (--heap-sample), for their file names. */
  private heapSamples = 0;
  private awaited = Number.POSITIVE_INFINITY;
  private allReceived: () => void = () => undefined;

  private constructor(ctx: BenchContext, kind: SubjectKind, sandbox: SandboxProcess, setup: SubjectSetup, profDir: string | undefined) {
    this.ctx = ctx;
    this.kind = kind;
    this.sandbox = sandbox;
    this.control = setup.control;
    this.setup = setup;
    this.profDir = profDir;
  }

  /** A fresh sandbox with `instances` desk phones and the peers, and the subject on it, booted and idle (compiles done). */
  static async start(ctx: BenchContext, kind: SubjectKind, env: Record<string, string>, dataDir: string): Promise<GatewayRig> {
    // Two minutes to start: on a box shared with other test runs 30 s was not always enough.
    const sandbox = await startSandboxProcess({ state: 'memory', dataDir: join(dataDir, 'sandbox'), startTimeoutMs: 120_000 });
    let rig: GatewayRig | undefined;
    try {
      const control = new ControlClient(sandbox.endpoint.controlUrl);
      await runPool(ctx.options.instances, 16, (i) => control.createPhone(instancePhone(i), `Desk ${i}`), ctx.signal);
      await runPool(PEERS, 16, (i) => control.createPhone(peerPhone(i), `Peer ${i}`), ctx.signal);
      const setup: SubjectSetup = { sandbox: sandbox.endpoint, control, env: { ...env, SANDBOX_URL: sandbox.endpoint.controlUrl } };
      // --cpu-prof <dir>: the first process of each subject is profiled into <dir>/<kind>, cut by phase.
      const profDir = ctx.options.cpuProfDir ? join(ctx.options.cpuProfDir, kind) : undefined;
      if (profDir) await mkdir(profDir, { recursive: true });
      rig = new GatewayRig(ctx, kind, sandbox, setup, profDir);
      // BENCH_HEAP_SNAPSHOT=<dir>: heap snapshots of each subject linked and idle, and after the traffic
      // (SIGUSR2), into <dir>/<kind>: what one holds more than the other is found by comparing them.
      const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT ? join(process.env.BENCH_HEAP_SNAPSHOT, kind) : undefined;
      if (snapshotDir) await mkdir(snapshotDir, { recursive: true });
      const snapshots = snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
      rig.subject = await startSubject(kind, { ...setup, nodeArgs: [...snapshots, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])] });
      ctx.log(`${kind}: pid ${rig.subject.process.pid} at ${rig.subject.process.url}, sandbox pid ${sandbox.pid}`);
      await quiesce(rig.subject.process.pid, ctx.signal);
      await compilesDone(rig.subject.process, ctx.signal);
      return rig;
    } catch (err) {
      ctx.log(`sandbox stderr (tail):\n${sandbox.stderrTail()}`);
      await rig?.stop();
      await sandbox.stop();
      throw err;
    }
  }

  private get running(): Subject {
    if (!this.subject) throw new Error(`${this.kind}: the subject is not running`);
    return this.subject;
  }

  /** The subject's and its sandbox's: what must be quiet before anyone's window. */
  get pids(): number[] {
    return this.subject ? [this.subject.process.pid, this.sandbox.pid] : [this.sandbox.pid];
  }

  get pid(): number {
    return this.running.process.pid;
  }

  /** The setup a restart on the same state needs (wamux's token: a login would count as restore). */
  get restartSetup(): SubjectSetup {
    return { ...this.setup, accessToken: this.running.accessToken };
  }

  sample(): Promise<ProcSample> {
    return sampleProcess(this.pid);
  }

  /**
   * Live heap + external, and RSS, after V8's last-resort GC, with `ids.length` linked. RSS too: the
   * last-resort GC gives memory back, and read after the regular GCs alone every reading but the first
   * came after an earlier last-resort one (wamux on PostgreSQL read 230 MiB with nothing linked, 211
   * with 2). So RSS reads lower than before these GCs (nothing connected: wamux on PostgreSQL 176
   * against 231-241 MiB, on PGlite 252 against 313-322, bare 108 against 120); the log has both.
   */
  async memory(): Promise<MemoryReading> {
    const probe = await this.running.process.memory();
    const { rssBytes } = await this.sample();
    this.ctx.log(`${this.kind}: ${this.ids.length} linked: heap ${mib(probe.heapUsed).toFixed(1)} (code ${mib(probe.codeUsed).toFixed(1)}; ${mib(probe.regularHeapUsed).toFixed(1)} before the last-resort GC) + external ${mib(probe.external).toFixed(1)} MiB (array buffers ${mib(probe.arrayBuffers).toFixed(1)}), RSS ${mib(rssBytes).toFixed(0)} MiB (${mib(probe.regularRss).toFixed(0)} before the last-resort GC)`);
    return { n: this.ids.length, rss: rssBytes, live: probe.heapUsed + probe.external };
  }

  /** Links desks `from`…`to - 1` by QR, `linkConcurrency` at a time; the wall time it took and the settled results. */
  async link(from: number, to: number): Promise<{ ms: number; results: PromiseSettledResult<string>[] }> {
    const t0 = Date.now();
    const subject = this.running;
    const results = await runPool(to - from, this.ctx.options.linkConcurrency, (k) => subject.link(instancePhone(from + k), `bench-${from + k}`), this.ctx.signal);
    for (const r of results) if (r.status === 'fulfilled') this.ids.push(r.value);
    return { ms: Date.now() - t0, results };
  }

  /** Listens for received messages from now on (after linking: the subject's subscription covers every instance). */
  async listen(): Promise<void> {
    this.stopInbox ??= await this.running.onReceived(() => ++this.received === this.awaited && this.allReceived());
  }

  private expectReceived(count: number): Promise<void> {
    this.received = 0;
    this.awaited = count;
    return new Promise<void>((resolve) => (this.allReceived = resolve));
  }

  private sendAll(count: number, label: string) {
    const subject = this.running;
    const ids = this.ids;
    return runPool(count, this.ctx.options.window, (i) => subject.sendText(ids[i % ids.length]!, peerPhone(i % PEERS), `${label} ${i}`), this.ctx.signal);
  }

  private pushAll(count: number, label: string) {
    const n = this.ctx.options.instances;
    return runPool(count, this.ctx.options.window, (i) => this.control.sendText(peerPhone(i % PEERS), instancePhone(i % n), `${label} ${i}`), this.ctx.signal);
  }

  /** `count` texts each way, not measured (see the gateway bench's WARMUP). */
  async warmUp(count: number): Promise<void> {
    await this.sendAll(count, 'warm-up');
    await quiesce(this.pid, this.ctx.signal);
    const all = this.expectReceived(count);
    const pushed = (await this.pushAll(count, 'warm-up in')).filter((r) => r.status === 'fulfilled').length;
    if (pushed < count) this.awaited = pushed;
    if (this.received < this.awaited) await within(all, 60_000);
  }

  /** One measured window of `count` sends, `window` in flight. */
  async sends(count: number): Promise<Rate> {
    const sampled = await this.sampleHeap('sends');
    const s0 = await this.sample();
    const from = monotonicUs();
    const sent = await this.sendAll(count, 'bench');
    this.windows.push({ name: 'sends', startUs: from, endUs: monotonicUs() });
    const ok = sent.filter((r) => r.status === 'fulfilled').length;
    const result = rate(ok, count, s0, await this.sample(), this.ctx.options.window, sent);
    return { ...result, ...(await sampled(ok)) };
  }

  /**
   * With --heap-sample: starts sampling the subject's allocations; the function returned stops it,
   * logs the top allocators and gives the bytes per message of the window.
   */
  private async sampleHeap(phase: 'sends' | 'receives'): Promise<(messages: number) => Promise<Partial<Rate>>> {
    const dir = this.ctx.options.heapSampleDir;
    if (!dir) return async () => ({});
    await mkdir(dir, { recursive: true });
    const gateway = this.running.process;
    await gateway.heap('start');
    return async (messages) => {
      const file = join(dir, `${this.kind}-${phase}-${++this.heapSamples}.heapprofile`);
      await gateway.heap('stop', file);
      const { bytes, top } = await summarizeHeapProfile(file);
      const perMessage = bytes / Math.max(1, messages);
      const kib = (b: number) => (b / 1024).toFixed(1);
      this.ctx.log(`${this.kind} ${phase}: ${kib(perMessage)} KiB allocated per message (${file}); most: ${top.map((t) => `${kib(t.bytes / Math.max(1, messages))} ${t.frame}`).join(' · ')}`);
      return { allocatedPerMessage: perMessage };
    };
  }

  /** One measured window: `count` texts from the peers, until all arrived (or the time is up). */
  async receives(count: number): Promise<Rate> {
    const all = this.expectReceived(count);
    const sampled = await this.sampleHeap('receives');
    const r0 = await this.sample();
    const from = monotonicUs();
    const pushed = await this.pushAll(count, 'inbound');
    const expected = pushed.filter((r) => r.status === 'fulfilled').length;
    if (expected < count) this.awaited = expected;
    if (this.received < this.awaited) await within(all, Math.max(60_000, count * 20));
    this.windows.push({ name: 'receives', startUs: from, endUs: monotonicUs() });
    const result = rate(this.received, expected, r0, await this.sample(), this.ctx.options.window, pushed);
    return { ...result, ...(await sampled(this.received)) };
  }

  /** sendText at `perSecond` (open loop) for `count` texts: request → answer latencies. */
  async paced(count: number, perSecond: number): Promise<{ p50: number; p99: number; ok: number; expected: number }> {
    const subject = this.running;
    const latencies: number[] = [];
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let k = 0; k < count; k++) {
      const due = start + (k * 1000) / perSecond;
      if (due > performance.now()) await sleep(due - performance.now(), this.ctx.signal);
      const t0 = performance.now();
      inFlight.push(subject.sendText(this.ids[k % this.ids.length]!, peerPhone(k % PEERS), `paced ${k}`).then(() => void latencies.push(performance.now() - t0), () => undefined));
    }
    await Promise.all(inFlight);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), ok: latencies.length, expected: count };
  }

  /**
   * A full GC in this rig's sandbox, before a latency window. The sandbox is the bench's instrument,
   * not a subject: holding 500 phones and their companions, it paused for a 235 ms major GC in the
   * middle of wamux's paced sends at 500 instances, and the seven sends waiting on its acks made the
   * p99 (157 ms against bare's 27; a GC observer in every process of the run showed it).
   */
  async collectSandboxGarbage(): Promise<void> {
    await this.sandbox.memory();
  }

  /** BENCH_HEAP_SNAPSHOT: a heap snapshot of the subject now. */
  snapshot(): void {
    if (process.env.BENCH_HEAP_SNAPSHOT) process.kill(this.pid, 'SIGUSR2');
  }

  /** Stops the subject process (not the sandbox: a restart comes back to it); with --cpu-prof, summarises its windows. */
  async stopSubject(): Promise<void> {
    const subject = this.subject;
    if (!subject) return;
    this.subject = undefined;
    this.stopInbox?.();
    this.stopInbox = undefined;
    await subject.close();
    await subject.process.stop();
    // The profile is written when the process exits.
    if (this.profDir) this.ctx.log(await summarizeCpuProfiles(this.profDir, this.windows, this.kind, this.kind === 'bare' ? 'bench/' : 'src/'));
  }

  /** On a failure: what the subject and its sandbox last said. */
  logTails(): void {
    if (this.subject) this.ctx.log(`${this.kind} output (tail):\n${this.subject.process.outputTail()}`);
    this.ctx.log(`${this.kind} sandbox stderr (tail):\n${this.sandbox.stderrTail()}`);
  }

  /** Everything down, sandbox included. Safe to call again. */
  async stop(): Promise<void> {
    try {
      await this.stopSubject();
    } finally {
      await this.sandbox.stop();
    }
  }
}
