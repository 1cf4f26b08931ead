import type { Context } from '../schema/builder.ts';
import { watchAccess } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';

/**
 * Yielded in place of an event once the stream must end with an error: the subscriber lost access
 * (see `watch`), or fell too far behind its source (the event bus' SUBSCRIPTION_OVERFLOW). The
 * subscription's `resolve` throws it (`orLost`), so the client gets one error with its code in the
 * stream's last `next`, and then the stream completes; the socket and its other operations go on.
 */
export class AccessLost {
  readonly error: Error;
  constructor(error: Error) {
    this.error = error;
  }
}

/** A subscription's `resolve`: the event itself, or the error of an AccessLost. */
export function orLost<T>(item: T | AccessLost): T {
  if (item instanceof AccessLost) throw item.error;
  return item;
}

/**
 * The options every subscription passes to liveStream: gateway shutdown ends it, and so does the
 * caller losing access (a revoked key or session, an expired token; with `instanceId`, a revoked
 * grant on that instance), within the time an `accessChanged` event takes to arrive.
 */
export function streamOptions(ctx: Context, instanceId?: string | null): { signal: AbortSignal; watch?: Watch } {
  const { principal, access } = ctx;
  if (!principal || !access) return { signal: ctx.shutdown };
  return { signal: ctx.shutdown, watch: (lost) => watchAccess({ auth: ctx.auth, events: ctx.events }, { principal, access }, { instanceId, onLost: lost }) };
}

/** Starts watching; calls `lost` once when the stream must end. Returns the function that stops watching. */
type Watch = (lost: (error: Error) => void) => () => void;

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
    /** Ends the stream with an AccessLost when the subscriber loses access (see `streamOptions`). */
    watch?: Watch;
  },
): AsyncIterableIterator<T | AccessLost> {
  const queue = [...(options.initial ?? [])];
  const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let ended = false;
  let lost: Error | undefined;
  let wakeLost: (() => void) | undefined;
  const end = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!ended) {
      ended = true;
      options.signal.removeEventListener('abort', onAbort);
      stopWatching?.();
      await source.return?.();
    }
    return done;
  };
  // The error goes out as one last item; the call after it finds the stream ended.
  const deliverLost = async (): Promise<IteratorResult<AccessLost>> => {
    const error = lost!;
    await end();
    return { value: new AccessLost(error), done: false };
  };
  const stopWatching = options.watch?.((error) => {
    if (ended || lost) return;
    lost = error;
    wakeLost?.();
  });
  // A source that ends with a domain error (SUBSCRIPTION_OVERFLOW) ends the stream the way a loss
  // of access does; anything else is a fault and stays one.
  const endedBy = (err: unknown): 'lost' => {
    if (!(err instanceof DomainError)) throw err;
    lost ??= err;
    return 'lost';
  };
  const onAbort = () => void end();
  if (options.signal.aborted) void end();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  const next = async (): Promise<IteratorResult<T | AccessLost>> => {
    if (ended) return done;
    if (lost) return deliverLost();
    if (queue.length) return { value: queue.shift()!, done: false };
    for (;;) {
      // A quiet source must not hold the loss back: whichever comes first.
      const lostNow = new Promise<'lost'>((resolve) => (wakeLost = () => resolve('lost')));
      const result = await Promise.race([source.next().catch(endedBy), lostNow]);
      wakeLost = undefined;
      if (lost) return deliverLost();
      if (result === 'lost' || result.done || ended) return done;
      if (options.skip?.(result.value)) continue;
      if (options.allow && !(await options.allow(result.value))) continue;
      if (lost) return deliverLost();
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
