import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryProbe } from './sandbox-probe.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('./sandbox-probe.ts', import.meta.url));
const IN_MEMORY_ENTRY = fileURLToPath(new URL('./sandbox-entry.ts', import.meta.url));

/** `disk`: exactly `npm run sandbox` (src/sandbox/main.ts, state in a temp dir); `memory`: sandbox-entry.ts, no state file. */
export type SandboxState = 'disk' | 'memory';

/** The JSON line `npm run sandbox` prints. */
export interface SandboxEndpoint {
  wsUrl: string;
  controlUrl: string;
  rootPublicKey: string;
  caCertPath: string;
}

export interface SandboxProcess {
  pid: number;
  endpoint: SandboxEndpoint;
  /** The last lines the sandbox wrote to stderr (protocol errors it reports, crashes). */
  stderrTail(): string;
  /** Live memory after a full GC, from the preloaded probe (sandbox-probe.ts). */
  memory(timeoutMs?: number): Promise<MemoryProbe>;
  /** Settles when the process is gone, with how it ended. */
  exited: Promise<string>;
  /** SIGTERM (graceful: flushes state, writes the CPU profile), SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the sandbox in its own process, on a free loopback port (and, for `disk`, with a throw-away
 * data dir), so its RSS and CPU are its own and not the bench's.
 */
export async function startSandboxProcess(options: { state: SandboxState; dataDir: string; cpuProfDir?: string; startTimeoutMs?: number }): Promise<SandboxProcess> {
  const args = [
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    '--expose-gc',
    '--import',
    PROBE,
    options.state === 'disk' ? 'src/sandbox/main.ts' : IN_MEMORY_ENTRY,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1', SANDBOX_DATA_DIR: options.state === 'disk' ? options.dataDir : '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.splice(0, stderr.length - 50);
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  const stderrTail = () => stderr.join('').split('\n').slice(-20).join('\n');

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 60_000) => (stopping ??= stopChild(child, exited, graceMs));

  try {
    const endpoint = await readEndpoint(child, options.startTimeoutMs ?? 30_000, stderrTail);
    return { pid: child.pid!, endpoint, stderrTail, exited, stop, memory: (timeoutMs = 30_000) => probeMemory(child, timeoutMs) };
  } catch (err) {
    await stop(5_000);
    throw err;
  }
}

function readEndpoint(child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<SandboxEndpoint> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (err: Error | undefined, endpoint?: SandboxEndpoint) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(endpoint!);
    };
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      try {
        done(undefined, JSON.parse(buffered.slice(0, newline)) as SandboxEndpoint);
      } catch (err) {
        done(new Error(`sandbox printed something other than its JSON line: ${buffered.slice(0, 200)} (${String(err)})`));
      }
    };
    const onExit = (code: number | null) => done(new Error(`sandbox exited (${code}) before it was ready:\n${stderrTail()}`));
    const timer = setTimeout(() => done(new Error(`sandbox not ready after ${timeoutMs} ms:\n${stderrTail()}`)), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
  });
}

let nextProbeId = 1;

function probeMemory(child: ChildProcess, timeoutMs: number): Promise<MemoryProbe> {
  const id = nextProbeId++;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { id?: number; memory?: MemoryProbe }) => {
      if (msg?.id !== id || !msg.memory) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg.memory);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`the sandbox's memory probe did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.send({ id, probe: 'memory' });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
