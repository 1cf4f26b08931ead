import type { Logger } from '../shared/index.ts';

/** The boot-time restore: stored instances started so far (`done` counts failures too). */
export interface RestoreProgress {
  total: number;
  done: number;
  failed: number;
  finished: boolean;
}

export interface RestorePace {
  /** Logins in flight at once: a worker takes the next id once the last login is ONLINE or has closed. */
  concurrency: number;
  /** Pause of each worker after each start, so 500 instances do not hit WhatsApp at once. */
  staggerMs: number;
}

/** A login that neither opens nor closes within this long frees its slot (it goes on in the background). */
const LOGIN_SLOT_MS = 30_000;

/**
 * Starts every id with `start` (which settles once that login has an outcome), at most
 * `concurrency` at a time, each worker pausing `staggerMs` after each start; takes no new id once
 * `stopped()`. A failed start is logged and counted, never thrown: one broken instance does not keep
 * the others down.
 */
export async function restoreEach(
  ids: string[],
  pace: RestorePace,
  progress: RestoreProgress,
  options: { log: Logger; stopped(): boolean; start(id: string): Promise<unknown> },
): Promise<void> {
  const queue = [...ids];
  // A line every 5 s at most, so restoring 500 instances shows progress without flooding the log.
  let lastLine = Date.now();
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined && !options.stopped(); id = queue.shift()) {
      const instanceId = id;
      let slot: NodeJS.Timeout | undefined;
      await Promise.race([
        options.start(instanceId).catch((err) => {
          progress.failed++;
          options.log.warn({ err, instanceId }, 'restore of instance failed');
        }),
        new Promise((resolve) => (slot = setTimeout(resolve, LOGIN_SLOT_MS))),
      ]);
      clearTimeout(slot);
      progress.done++;
      if (Date.now() - lastLine >= 5_000 && progress.done < progress.total) {
        lastLine = Date.now();
        options.log.info({ ...progress }, `restored ${progress.done}/${progress.total} instances`);
      }
      if (pace.staggerMs) await new Promise((r) => setTimeout(r, pace.staggerMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(pace.concurrency, ids.length) }, worker));
}
