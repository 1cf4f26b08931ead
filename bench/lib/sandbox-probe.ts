import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/**
 * Preloaded (`--import`) into the sandbox child; the sandbox's own code is untouched. Two jobs:
 *
 * - Exit with the bench: when the bench dies without cleaning up (SIGKILL, crash), the IPC channel
 *   closes and the sandbox shuts down through its own SIGTERM handler, so no sandbox outlives a run.
 * - Memory probe: /proc shows RSS, which includes garbage not yet collected and heap V8 keeps
 *   reserved. On request this runs a full GC (the child has --expose-gc) and reports what is live.
 *   `thorough` asks for V8's last-resort GC after it (what a heap snapshot or a low-memory
 *   notification does: repeated full GCs that also drop caches V8 keeps for speed). Without it a
 *   bare-Baileys gateway with 10 linked read 34.0 MiB of heap over ten probes in a minute, and
 *   29.7 MiB right after a heap snapshot; V8's memory reducer does the same by itself when a process
 *   idles, so whether it had run between two readings made a per-instance slope 677 or 61 KiB.
 *
 * - Allocation sampling (`heap`, start then stop into a file): V8's sampling heap profiler over a
 *   window, keeping objects either GC has already collected, so the profile is what the window
 *   allocated rather than what survived it (see bench/lib/heap-profile.ts).
 *
 * The channel is unref'd so it never keeps an otherwise finished process alive.
 */
export interface MemoryProbe {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8's compiler zones now: hundreds of MiB while PGlite's largest function is optimised after boot. */
  compilerZones: number;
  /** Of heapUsed: code and bytecode (V8's code and trusted spaces), which is no instance's data. */
  codeUsed: number;
  /** heapUsed after the two regular GCs, before the last-resort one (`thorough` only). */
  regularHeapUsed: number;
  /** RSS after the two regular GCs: the last-resort one also gives memory back (wamux with nothing connected on PostgreSQL 230 before it, 176 after). */
  regularRss: number;
}

const CODE_SPACES = /^(code|trusted|code_large_object|trusted_large_object)_space$/;

if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  let sampling: Session | undefined;
  const heap = async (msg: { id?: number; action?: string; file?: string }) => {
    if (msg.action === 'start' && !sampling) {
      sampling = new Session();
      sampling.connect();
      await sampling.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    } else if (msg.action === 'stop' && sampling && msg.file) {
      const { profile } = await sampling.post('HeapProfiler.stopSampling');
      sampling.disconnect();
      sampling = undefined;
      await writeFile(msg.file, JSON.stringify(profile));
    }
    process.send?.({ id: msg.id, heap: true });
  };
  process.on('message', (msg: { id?: number; probe?: string; thorough?: boolean; action?: string; file?: string }) => {
    if (msg?.probe === 'heap') return void heap(msg);
    if (msg?.probe !== 'memory') return;
    const gc = (globalThis as { gc?: (options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void }).gc;
    // Twice: the first pass can leave objects with finalizers for the second.
    gc?.();
    gc?.();
    const { heapUsed: regularHeapUsed, rss: regularRss } = process.memoryUsage();
    if (msg.thorough) gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const compilerZones = getHeapStatistics().malloced_memory;
    const codeUsed = getHeapSpaceStatistics()
      .filter((s) => CODE_SPACES.test(s.space_name))
      .reduce((sum, s) => sum + s.space_used_size, 0);
    process.send?.({ id: msg.id, memory: { rss, heapUsed, external, arrayBuffers, compilerZones, codeUsed, regularHeapUsed, regularRss } satisfies MemoryProbe });
  });
}
