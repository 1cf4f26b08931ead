import type { Logger } from '../shared/index.ts';

/** The boot-time restore: stored instances started so far (`done` counts failures too). */
export interface RestoreProgress {
  total: number;
  done: number;
  failed: number;
  finished: boolean;
}

export interface RestorePace {
  concurrency: number;
  /** Pause of each worker after each start, so 500 instances do not hit WhatsApp at once. */
  staggerMs: number;
}

/**
 * Starts every id with `start`, at most `concurrency` at a time, each worker pausing `staggerMs`
 * after each start; takes no new id once `stopped()`. A failed start is logged and counted, never
 * thrown: one broken instance does not keep the others down.
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
      await options.start(instanceId).catch((err) => {
        progress.failed++;
        options.log.warn({ err, instanceId }, 'restore of instance failed');
      });
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
