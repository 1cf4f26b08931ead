import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sampleProcess, type ProcSample } from './proc-stats.ts';
import type { MemoryProbe } from './sandbox-probe.ts';
import { REPO_ROOT } from './sandbox-process.ts';
import { sleep } from './stats.ts';

export interface GatewayProcess {
  pid: number;
  url: string;
  /**
   * The process as it began to accept connections: sampled just before the first TCP connect to its
   * port that succeeded. Both subjects start restoring their stored logins as they begin listening,
   * so a restore is measured from here. Not from when `/healthz` first answers: wamux's answer
   * waits behind the first handshakes on its event loop and a database round trip, and in one quiet
   * run ≈ 0.9 s of its restore CPU (15 ms per login at 60) went by before it, bare's ≈ 0.2 s.
   */
  listening: ProcSample;
  /** The last lines the gateway wrote (its log at the configured level). */
  outputTail(): string;
  /** Settles when the process is gone, with how it ended. */
  exited: Promise<string>;
  /**
   * Live memory after a full GC (the preloaded sandbox-probe.ts works for any child), by default
   * followed by V8's last-resort GC (`thorough`: see there). Not while waiting for a compile to end:
   * a memory-reducing GC could drop the compile's work.
   */
  memory(timeoutMs?: number, thorough?: boolean): Promise<MemoryProbe>;
  /** SIGTERM (the gateway's own ordered shutdown), SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Starts sampling allocations (the probe's `heap`), or stops and writes the profile to `file`. */
  heap(action: 'start' | 'stop', file?: string): Promise<void>;
}

/**
 * Limits out of the way for a benchmarked gateway: the per-address and per-instance rate limits and
 * the anti-ban send pacing. A benchmark measures the gateway's own cost, not the spacing it adds on purpose.
 */
export const UNTHROTTLED_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_RPS: '100000',
  RATE_LIMIT_BURST: '100000',
  LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
  SEND_RATE_LIMIT_PER_MINUTE: '100000',
  SEND_RATE_PER_MINUTE: '1000000',
  SEND_JITTER_MS: '0',
  SEND_MIN_GAP_PER_RECIPIENT_MS: '0',
};

const PROBE = fileURLToPath(new URL('./sandbox-probe.ts', import.meta.url));

/** A free loopback port, so the gateway's URL is known before it logs anything. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The gateway exactly as `npm start` runs it (src/main.ts), in its own process so that its RSS and
 * CPU are its own; ready once `/healthz` answers 200, or 503 only because it is still restoring
 * instances. `entry` runs another script the same way (the bare-Baileys subject, bare-gateway.ts).
 */
export async function startGatewayProcess(options: { env: Record<string, string>; nodeArgs?: string[]; startTimeoutMs?: number; entry?: string }): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--import', PROBE, ...(options.nodeArgs ?? []), options.entry ?? 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: string) => {
    output.push(chunk);
    if (output.length > 50) output.splice(0, output.length - 50);
  };
  // BENCH_GATEWAY_LOG_FILE keeps the whole output (with BENCH_GATEWAY_LOG=info, what a run went through).
  const file = process.env.BENCH_GATEWAY_LOG_FILE ? createWriteStream(process.env.BENCH_GATEWAY_LOG_FILE, { flags: 'a' }) : undefined;
  const tee = (chunk: string) => (keep(chunk), file?.write(chunk));
  child.stdout!.setEncoding('utf8').on('data', tee);
  child.stderr!.setEncoding('utf8').on('data', tee);
  child.once('exit', () => file?.end());
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  let gone: string | undefined;
  void exited.then((how) => (gone = how));
  const outputTail = () => output.join('').split('\n').slice(-20).join('\n');

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 60_000) =>
    (stopping ??= (async () => {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })());

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  const tooLate = async () => {
    await stop(5_000);
    return new Error(`the gateway was not ready after ${options.startTimeoutMs ?? 120_000} ms:\n${outputTail()}`);
  };
  // Every 10 ms: a sample taken up to one interval before the listen counts that much more boot CPU as restore.
  let listening: ProcSample | undefined;
  while (!listening) {
    if (gone) throw new Error(`the gateway exited (${gone}) before it listened:\n${outputTail()}`);
    const before = await sampleProcess(child.pid!).catch(() => undefined);
    if (before && (await accepts(port))) listening = before;
    else if (Date.now() > deadline) throw await tooLate();
    else await sleep(10);
  }
  for (;;) {
    if (gone) throw new Error(`the gateway exited (${gone}) before it was ready:\n${outputTail()}`);
    // Serving, even while it still restores stored instances in the background (the restore is measured).
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      async (r) => r.ok || (r.status === 503 && ((await r.json().catch(() => ({}))) as { status?: string }).status === 'restoring'),
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw await tooLate();
    await sleep(100);
  }
  let probes = 0;
  /** One request to the preloaded probe, answered by the message with its id. */
  const ask = <T>(request: Record<string, unknown>, answer: (msg: Record<string, unknown>) => T | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const id = ++probes;
      const onMessage = (msg: Record<string, unknown>) => {
        const value = msg?.id === id ? answer(msg) : undefined;
        if (value === undefined) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(value);
      };
      const timer = setTimeout(() => (child.off('message', onMessage), reject(new Error(`the gateway did not answer the ${String(request.probe)} probe`))), timeoutMs);
      child.on('message', onMessage);
      child.send({ id, ...request });
    });
  const memory = (timeoutMs = 30_000, thorough = true) => ask<MemoryProbe>({ probe: 'memory', thorough }, (msg) => msg.memory as MemoryProbe | undefined, timeoutMs);
  const heap = (action: 'start' | 'stop', file?: string) => ask<true>({ probe: 'heap', action, file }, (msg) => (msg.heap ? true : undefined), 60_000).then(() => undefined);
  return { pid: child.pid!, url, listening, outputTail, exited, stop, memory, heap };
}

/** Whether a TCP connection to the loopback port is accepted now (the kernel answers for a listening socket, however busy its process). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}
