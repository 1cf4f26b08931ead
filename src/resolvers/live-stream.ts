/**
 * Wraps an EventBus iterator for a subscription. Async generators are avoided on purpose: a
 * generator suspended in `await source.next()` queues `return()` until the next event arrives, so
 * a client that unsubscribes from a quiet topic would keep its listener forever. Here `return()`
 * reaches the source at once, and so does gateway shutdown (`signal`).
 */
export function liveStream<T>(
  source: AsyncIterableIterator<T>,
  options: {
    signal: AbortSignal;
    /** Yielded before anything from the source (the current state). */
    initial?: readonly T[];
    /** Source items to drop (e.g. the one already yielded as initial). */
    skip?: (item: T) => boolean;
    /** Source items the subscriber may see (authorisation per event, for all-instance streams). */
    allow?: (item: T) => boolean | Promise<boolean>;
  },
): AsyncIterableIterator<T> {
  const queue = [...(options.initial ?? [])];
  const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let ended = false;
  const end = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!ended) {
      ended = true;
      options.signal.removeEventListener('abort', onAbort);
      await source.return?.();
    }
    return done;
  };
  const onAbort = () => void end();
  if (options.signal.aborted) void end();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  const next = async (): Promise<IteratorResult<T>> => {
    if (ended) return done;
    if (queue.length) return { value: queue.shift()!, done: false };
    for (;;) {
      const result = await source.next();
      if (result.done || ended) return done;
      if (options.skip?.(result.value)) continue;
      if (options.allow && !(await options.allow(result.value))) continue;
      return result;
    }
  };
  return {
    next,
    return: end,
    throw: async (err: unknown) => {
      await end();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Runs `read` (the current state) after `source` already listens; when `read` fails, `source` stops listening. */
export async function readAfterSubscribing<T, R>(source: AsyncIterableIterator<T>, read: () => Promise<R>): Promise<R> {
  try {
    return await read();
  } catch (err) {
    await source.return?.();
    throw err;
  }
}
