/**
 * The gateway benchmark: wamux itself (src/main.ts in its own process, keys in its database) driven
 * through its public GraphQL API, against a sandbox in another process. It measures what the brief
 * sets against bare Baileys on this box (≈ 1 MB RSS per idle socket, ≈ 400 sends/s and ≈ 900
 * receives/s per core, ≈ 75 ms CPU to restore a login): wamux aims for ≤ 2 MB per instance and
 * ≥ 0.8× those rates.
 *
 * Rates are reported per second of the gateway's own CPU (from /proc), so the load generator and the
 * sandbox sharing the two cores do not flatter or spoil the number; the wall-clock rate is in the note.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { ControlClient } from './lib/control-client.ts';
import { GatewayClient } from './lib/gateway-client.ts';
import { startGatewayProcess, type GatewayProcess } from './lib/gateway-process.ts';
import { cpuBetween, mib, sampleProcess, type ProcSample } from './lib/proc-stats.ts';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process.ts';
import { runPool, sleep } from './lib/stats.ts';

const BENCH = 'gateway';
const ADMIN = { username: 'bench', password: 'bench-password-not-secret' };
const PEERS = 10;
/** Bare Baileys on this box (the brief), and the share of it wamux must reach. */
const FLOOR = { rssMiBPerSocket: 1, sendsPerCoreSecond: 400, receivesPerCoreSecond: 900, restoreCpuMs: 75 };
const SHARE = 0.8;

const instancePhone = (i: number) => `1555300${String(i).padStart(4, '0')}`;
const peerPhone = (i: number) => `1555400${String(i).padStart(4, '0')}`;

/** Waits until the gateway's CPU use drops below `idleCorePercent` (Baileys keeps working after ONLINE). */
async function quiesce(pid: number, signal: AbortSignal, maxMs = 30_000, idleCorePercent = 5): Promise<void> {
  const until = Date.now() + maxMs;
  let before = await sampleProcess(pid);
  while (Date.now() < until) {
    await sleep(1_000, signal);
    const now = await sampleProcess(pid);
    if (cpuBetween(before, now).corePercent < idleCorePercent) return;
    before = now;
  }
}

/** Resolves once `count` items were seen, or rejects after `timeoutMs` saying how far it got. */
function counter(count: number, timeoutMs: number, what: string) {
  let seen = 0;
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  const timer = setTimeout(() => reject(new Error(`${what}: ${seen}/${count} after ${timeoutMs} ms`)), timeoutMs);
  return {
    done,
    get seen() {
      return seen;
    },
    hit() {
      if (++seen === count) {
        clearTimeout(timer);
        resolve();
      }
    },
  };
}

export const gatewayBenchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-gateway-'));
    let sandbox: SandboxProcess | undefined;
    let gateway: GatewayProcess | undefined;
    const rows: BenchRow[] = [];
    try {
      sandbox = await startSandboxProcess({ state: 'memory', dataDir: join(dataDir, 'sandbox') });
      const control = new ControlClient(sandbox.endpoint.controlUrl);
      const n = ctx.options.instances;
      await runPool(n, 16, (i) => control.createPhone(instancePhone(i), `Desk ${i}`), ctx.signal);
      await runPool(PEERS, 16, (i) => control.createPhone(peerPhone(i), `Peer ${i}`), ctx.signal);
      const env = {
        DATA_DIR: join(dataDir, 'gateway'),
        WA_SANDBOX: 'true',
        SANDBOX_URL: sandbox.endpoint.controlUrl,
        ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL, JWT_SECRET: 'b'.repeat(64), SECRETS_KEY: 'c'.repeat(64) } : {}),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_RPS: '100000',
        RATE_LIMIT_BURST: '100000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
        SEND_RATE_LIMIT_PER_MINUTE: '100000',
        RESTORE_CONCURRENCY: '8',
        RESTORE_STAGGER_MS: '0',
      };
      // BENCH_HEAP_SNAPSHOT=<dir>: a heap snapshot of the gateway with every instance linked and idle.
      const nodeArgs = process.env.BENCH_HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.BENCH_HEAP_SNAPSHOT}`] : [];
      gateway = await startGatewayProcess({ env, nodeArgs });
      ctx.log(`gateway pid ${gateway.pid} at ${gateway.url} (${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), sandbox pid ${sandbox.pid}`);
      await runPhases(ctx, { control, gateway, n, rows, database: env.DATABASE_URL ? 'PostgreSQL' : 'PGlite' });
      await gateway.stop();
      // Restore: a new process on the same data brings every instance back by itself.
      const boot = Date.now();
      gateway = await startGatewayProcess({ env });
      const ready = await sampleProcess(gateway.pid);
      const client = new GatewayClient(gateway.url);
      await client.login(ADMIN.username, ADMIN.password);
      const deadline = Date.now() + Math.max(60_000, n * 500);
      let online = 0;
      while (Date.now() < deadline) {
        const { instances } = await client.request<{ instances: Array<{ status: string }> }>('{ instances { status } }');
        online = instances.filter((i) => i.status === 'ONLINE').length;
        if (online === n) break;
        await sleep(200, ctx.signal);
      }
      const allOnline = await sampleProcess(gateway.pid);
      await client.close();
      const restoreCpuMs = ((allOnline.cpuSeconds - ready.cpuSeconds) * 1000) / n;
      const restoreTarget = FLOOR.restoreCpuMs / SHARE;
      rows.push(
        {
          bench: BENCH,
          metric: 'restore: CPU per stored login',
          value: restoreCpuMs,
          unit: 'ms',
          target: `≤ ${restoreTarget.toFixed(0)}`,
          met: online === n && restoreCpuMs <= restoreTarget,
          note: `${online}/${n} ONLINE ${((allOnline.at - boot) / 1000).toFixed(1)} s after the restart (RESTORE_CONCURRENCY 8); gateway CPU from ready to all ONLINE`,
        },
        { bench: BENCH, metric: 'restore: gateway RSS, all ONLINE', value: mib(allOnline.rssBytes), unit: 'MiB' },
      );
    } catch (err) {
      if (gateway) ctx.log(`gateway output (tail):\n${gateway.outputTail()}`);
      if (sandbox) ctx.log(`sandbox stderr (tail):\n${sandbox.stderrTail()}`);
      throw err;
    } finally {
      await gateway?.stop();
      await sandbox?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    return rows;
  },
};

interface Run {
  control: ControlClient;
  gateway: GatewayProcess;
  n: number;
  rows: BenchRow[];
  database: string;
}

async function runPhases(ctx: BenchContext, { control, gateway, n, rows, database }: Run): Promise<void> {
  const { messages, window } = ctx.options;
  const client = new GatewayClient(gateway.url);
  await client.login(ADMIN.username, ADMIN.password);
  await quiesce(gateway.pid, ctx.signal);
  const emptyLive = await gateway.memory();
  const empty = await sampleProcess(gateway.pid);
  rows.push({ bench: BENCH, metric: 'gateway RSS, no instances', value: mib(empty.rssBytes), unit: 'MiB', note: `${database}, migrated, logged in` });

  // Link: create → QR over graphql-ws → the phone scans → ONLINE.
  ctx.log(`linking ${n} instances…`);
  const onlineWaiters = new Map<string, () => void>();
  const stopStatus = client.subscribe<{ instanceStatus: { instanceId: string; status: string } }>(
    'subscription { instanceStatus { instanceId status } }',
    {},
    ({ instanceStatus: e }) => e.status === 'ONLINE' && onlineWaiters.get(e.instanceId)?.(),
  );
  const ids: string[] = new Array(n);
  const linkStart = await sampleProcess(gateway.pid);
  const linked = await runPool(n, ctx.options.linkConcurrency, async (i) => {
    const { createInstance } = await client.request<{ createInstance: { id: string } }>('mutation ($name: String!) { createInstance(input: { name: $name }) { id } }', {
      name: `bench-${i}`,
    });
    const id = createInstance.id;
    ids[i] = id;
    const online = new Promise<void>((resolve) => onlineWaiters.set(id, resolve));
    const qr = new Promise<string>((resolve, reject) => {
      const stop = client.subscribe<{ qrCode: { code: string } }>('subscription ($id: ID!) { qrCode(instanceId: $id) { code } }', { id }, (d) => {
        stop();
        resolve(d.qrCode.code);
      }, reject);
    });
    await sleep(20);
    await client.request('mutation ($id: ID!) { connectInstance(id: $id) { status } }', { id });
    await control.scanQr(instancePhone(i), await qr);
    await Promise.race([online, sleep(60_000).then(() => Promise.reject(new Error(`instance ${i} not ONLINE after 60 s`)))]);
  }, ctx.signal);
  const linkEnd = await sampleProcess(gateway.pid);
  stopStatus();
  const linkFailures = linked.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  const linkCost = cpuBetween(linkStart, linkEnd);
  rows.push({
    bench: BENCH,
    metric: 'instances linked (QR over graphql-ws)',
    value: n - linkFailures.length,
    unit: 'instances',
    target: `${n}`,
    met: linkFailures.length === 0,
    note: `${(n / linkCost.wallSeconds).toFixed(1)} links/s; gateway CPU ${((linkCost.cpuSeconds * 1000) / n).toFixed(0)} ms per link${linkFailures.length ? `; first error: ${String(linkFailures[0]!.reason).slice(0, 100)}` : ''}`,
  });
  if (linkFailures.length === n) throw new Error(`no instance linked: ${String(linkFailures[0]!.reason)}`);
  const live = ids.filter((_, i) => linked[i]?.status === 'fulfilled');

  await quiesce(gateway.pid, ctx.signal);
  const idleLive = await gateway.memory();
  const idle = await sampleProcess(gateway.pid);
  const perInstance = (idle.rssBytes - empty.rssBytes) / live.length;
  const liveOf = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
  if (process.env.BENCH_HEAP_SNAPSHOT) process.kill(gateway.pid, 'SIGUSR2');
  const rssTarget = 2;
  rows.push(
    { bench: BENCH, metric: `gateway RSS, ${live.length} instances idle`, value: mib(idle.rssBytes), unit: 'MiB' },
    {
      bench: BENCH,
      metric: 'RSS per connected idle instance',
      value: mib(perInstance),
      unit: 'MiB',
      target: `≤ ${rssTarget}`,
      met: mib(perInstance) <= rssTarget,
      note: `RSS growth / instances (bare Baileys ≈ ${FLOOR.rssMiBPerSocket} MB per socket)`,
    },
    {
      bench: BENCH,
      metric: 'live memory per connected idle instance',
      value: (liveOf(idleLive) - liveOf(emptyLive)) / live.length / 1024,
      unit: 'KiB',
      note: `JS heap + external after a full GC: ${mib(liveOf(emptyLive)).toFixed(0)} → ${mib(liveOf(idleLive)).toFixed(0)} MiB`,
    },
  );

  // Sends: sendText over HTTP, `window` in flight, round-robin over instances and peer phones.
  ctx.log(`sending ${messages} texts through the gateway…`);
  const s0 = await sampleProcess(gateway.pid);
  const sent = await runPool(messages, window, (i) =>
    client.request('mutation ($input: SendTextInput!) { sendText(input: $input) { messageId } }', {
      input: { instanceId: live[i % live.length], to: peerPhone(i % PEERS), text: `bench ${i}` },
    }),
  ctx.signal);
  const s1 = await sampleProcess(gateway.pid);
  rows.push(rateRow('sends', sent.filter((r) => r.status === 'fulfilled').length, messages, s0, s1, FLOOR.sendsPerCoreSecond, window, sent));

  await quiesce(gateway.pid, ctx.signal);
  // Receives: the peer phones send, the gateway decrypts and publishes to one all-instance subscription.
  ctx.log(`receiving ${messages} texts through the gateway…`);
  const received = counter(messages, Math.max(60_000, messages * 20), 'messageReceived');
  const stopInbox = client.subscribe<{ messageReceived: { id: string } }>('subscription { messageReceived { id } }', {}, () => received.hit());
  await sleep(200);
  const r0 = await sampleProcess(gateway.pid);
  const pushed = await runPool(messages, window, (i) => control.sendText(peerPhone(i % PEERS), instancePhone(i % n), `inbound ${i}`), ctx.signal);
  const pushFailed = pushed.filter((r) => r.status === 'rejected').length;
  await received.done.catch((err: Error) => ctx.log(err.message));
  const r1 = await sampleProcess(gateway.pid);
  stopInbox();
  rows.push(rateRow('receives', received.seen, messages - pushFailed, r0, r1, FLOOR.receivesPerCoreSecond, window, pushed));

  await quiesce(gateway.pid, ctx.signal);
  const afterLive = await gateway.memory();
  if (process.env.BENCH_HEAP_SNAPSHOT) process.kill(gateway.pid, 'SIGUSR2');
  const after = await sampleProcess(gateway.pid);
  rows.push({
    bench: BENCH,
    metric: 'gateway RSS after the traffic, idle',
    value: mib(after.rssBytes),
    unit: 'MiB',
    note: `${mib(after.rssBytes - idle.rssBytes).toFixed(0)} MiB above idle before the traffic; peak ${mib(after.peakRssBytes).toFixed(0)} MiB`,
  });
  rows.push({
    bench: BENCH,
    metric: 'live memory growth from the traffic',
    value: mib(liveOf(afterLive) - liveOf(idleLive)),
    unit: 'MiB',
    note: `JS heap + external after a full GC, ${2 * messages} messages later: what stays (bounded caches fill, nothing should grow with the count)`,
  });
  await client.close();
}

function rateRow(what: 'sends' | 'receives', ok: number, expected: number, a: ProcSample, b: ProcSample, floor: number, window: number, results: PromiseSettledResult<unknown>[]): BenchRow {
  const cost = cpuBetween(a, b);
  const perCore = cost.cpuSeconds > 0 ? ok / cost.cpuSeconds : 0;
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  return {
    bench: BENCH,
    metric: `${what} per gateway core-second`,
    value: perCore,
    unit: 'msgs/s',
    target: `≥ ${(floor * SHARE).toFixed(0)}`,
    met: ok === expected && perCore >= floor * SHARE,
    note: `${ok}/${expected} in ${cost.wallSeconds.toFixed(1)} s = ${(ok / cost.wallSeconds).toFixed(0)} msgs/s wall at ${cost.corePercent.toFixed(0)}% of a core, ${window} in flight${failed ? `; first error: ${String(failed.reason).slice(0, 100)}` : ''}`,
  };
}
