/**
 * One restart of a subject on its stored logins, measured the same way by the restore benchmark and
 * the gateway benchmark: the CPU from listening (where both subjects start restoring; see
 * GatewayProcess.listening) to all online, per restored login, and the wall time from spawn.
 */
import type { BenchContext } from './benchmark.ts';
import { monotonicUs, summarizeCpuProfiles } from './cpu-profile.ts';
import { sampleProcess } from './proc-stats.ts';
import { sleep } from './stats.ts';
import { startSubject, type SubjectKind, type SubjectSetup } from './subjects.ts';

export interface RestoreRound {
  cpuMsPerLogin: number;
  /** Of `cpuMsPerLogin`, the main thread's (the rest: V8's GC and compiler threads, libuv's pool). */
  mainCpuMsPerLogin: number;
  /** From spawn to all online. */
  seconds: number;
  /** From spawn to listening. */
  readySeconds: number;
  /** From spawn to serving (wamux: /healthz answers, "restoring" at the latest). */
  servingSeconds: number;
  online: number;
}

/** `setup` must carry wamux's access token (SubjectSetup.accessToken); `profDir`: --cpu-prof this process into it and summarise the restore. */
export async function restoreRound(ctx: BenchContext, kind: SubjectKind, setup: SubjectSetup, linked: number, profDir: string | undefined): Promise<RestoreRound> {
  const spawned = Date.now();
  const subject = await startSubject(kind, { ...setup, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  const serving = Date.now();
  try {
    const ready = subject.process.listening;
    // The same moment on the profile's clock.
    const from = monotonicUs() - (Date.now() - ready.at) * 1000;
    const deadline = Date.now() + Math.max(60_000, linked * 500);
    let online = 0;
    // Once a second: the poll is in the measured CPU, and wamux's answer (every instance, through
    // GraphQL and the database) costs more than bare's count in memory; 1 s is fine on restores of 30 s and more.
    while (Date.now() < deadline && (online = await subject.online()) < linked) await sleep(1_000, ctx.signal);
    const all = await sampleProcess(subject.process.pid);
    const windows = [{ name: 'restore', startUs: from, endUs: monotonicUs() }];
    await subject.close();
    await subject.process.stop();
    if (profDir) ctx.log(await summarizeCpuProfiles(profDir, windows, kind, kind === 'bare' ? 'bench/' : 'src/'));
    return {
      cpuMsPerLogin: ((all.cpuSeconds - ready.cpuSeconds) * 1000) / linked,
      mainCpuMsPerLogin: ((all.mainCpuSeconds - ready.mainCpuSeconds) * 1000) / linked,
      seconds: (all.at - spawned) / 1000,
      readySeconds: (ready.at - spawned) / 1000,
      servingSeconds: (serving - spawned) / 1000,
      online,
    };
  } finally {
    await subject.close();
    await subject.process.stop();
  }
}
