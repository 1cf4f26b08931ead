import { getHeapStatistics } from 'node:v8';

/**
 * Preloaded (`--import`) into the sandbox child; the sandbox's own code is untouched. Two jobs:
 *
 * - Exit with the bench: when the bench dies without cleaning up (SIGKILL, crash), the IPC channel
 *   closes and the sandbox shuts down through its own SIGTERM handler, so no sandbox outlives a run.
 * - Memory probe: /proc shows RSS, which includes garbage not yet collected and heap V8 keeps
 *   reserved. On request this runs a full GC (the child has --expose-gc) and reports what is live.
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
}

if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.on('message', (msg: { id?: number; probe?: string }) => {
    if (msg?.probe !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    // Twice: the first pass can leave objects with finalizers for the second.
    gc?.();
    gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const compilerZones = getHeapStatistics().malloced_memory;
    process.send?.({ id: msg.id, memory: { rss, heapUsed, external, arrayBuffers, compilerZones } satisfies MemoryProbe });
  });
}
