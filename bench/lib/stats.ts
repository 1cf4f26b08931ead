/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Wall-clock milliseconds comparable across processes on this machine (sub-millisecond resolution). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Runs `jobs` with at most `limit` in flight; stops starting new ones once `signal` aborts. */
export async function runPool<T>(count: number, limit: number, job: (index: number) => Promise<T>, signal?: AbortSignal): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count && !signal?.aborted) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await job(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
  signal?.throwIfAborted();
  return results;
}

/**
 * `list[i]` for an index the caller's own loop keeps in range (a pool over `list.length`); throws
 * rather than hand `undefined` on when that promise is broken.
 */
export function itemAt<T>(list: readonly T[], i: number): T {
  if (!Number.isInteger(i) || i < 0 || i >= list.length) throw new RangeError(`index ${i} outside a list of ${list.length}`);
  return list[i] as T;
}

/** The `i`-th item taking turns over `list` (i modulo its length); throws on an empty list. */
export function roundRobin<T>(list: readonly T[], i: number): T {
  return itemAt(list, i % list.length);
}
