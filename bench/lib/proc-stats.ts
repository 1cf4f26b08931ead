import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { sleep } from './stats.ts';

/** Clock ticks per second for /proc/<pid>/stat times (100 on every common Linux; asked once). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** When it was taken (ms, wall clock). */
  at: number;
  rssBytes: number;
  /** Peak RSS since the process started (VmHWM). */
  peakRssBytes: number;
  /** User + system CPU time since the process started. */
  cpuSeconds: number;
  /**
   * Of that, the main thread's (JavaScript and what it waits on synchronously); the rest is V8's
   * helper threads (concurrent GC, background compiles) and libuv's pool.
   */
  mainCpuSeconds: number;
}

/**
 * Reads another process's memory and CPU from /proc, so the measured process runs unmodified and
 * pays nothing for being measured. CPU has CLK_TCK resolution (10 ms), fine over phases of seconds.
 */
export async function sampleProcess(pid: number): Promise<ProcSample> {
  const [status, stat, mainStat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
    // The main thread's id is the process's.
    readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8'),
  ]);
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { at: Date.now(), rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), cpuSeconds: statCpuSeconds(stat), mainCpuSeconds: statCpuSeconds(mainStat) };
}

/** utime + stime of a /proc stat line. */
function statCpuSeconds(stat: string): number {
  // The command name (field 2) may contain spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU and wall time between two samples, and the share of one core that makes. */
export function cpuBetween(a: ProcSample, b: ProcSample): { cpuSeconds: number; wallSeconds: number; corePercent: number } {
  const cpuSeconds = b.cpuSeconds - a.cpuSeconds;
  const wallSeconds = (b.at - a.at) / 1000;
  return { cpuSeconds, wallSeconds, corePercent: wallSeconds > 0 ? (100 * cpuSeconds) / wallSeconds : 0 };
}

/** Samples several processes at once (missing ones, e.g. already exited, are skipped). */
export async function sampleAll(pids: readonly number[]): Promise<ProcSample[]> {
  const samples = await Promise.allSettled(pids.map(sampleProcess));
  return samples.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
}

export const sumCpu = (samples: readonly ProcSample[]) => samples.reduce((sum, s) => sum + s.cpuSeconds, 0);
export const mib = (bytes: number) => bytes / (1024 * 1024);

/** Waits until the process's CPU use drops below `idleCorePercent` (Baileys keeps working after ONLINE). */
export async function quiesce(pid: number, signal: AbortSignal, maxMs = 30_000, idleCorePercent = 5): Promise<void> {
  await quiesceAll([pid], signal, maxMs, idleCorePercent);
}

/**
 * Waits until every process's CPU use is below `idleCorePercent` over the same second; false when
 * `maxMs` went by first. The gateway bench measures one subject while the others sit beside it,
 * so none may still be finishing its last window (a receipt queue, a sandbox delivering).
 */
export async function quiesceAll(pids: readonly number[], signal: AbortSignal, maxMs = 30_000, idleCorePercent = 5): Promise<boolean> {
  const until = Date.now() + maxMs;
  let before = await Promise.all(pids.map(sampleProcess));
  while (Date.now() < until) {
    await sleep(1_000, signal);
    const now = await Promise.all(pids.map(sampleProcess));
    if (now.every((s, i) => cpuBetween(before[i]!, s).corePercent < idleCorePercent)) return true;
    before = now;
  }
  return false;
}
