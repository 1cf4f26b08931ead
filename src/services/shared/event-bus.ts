import type { DomainEvents } from './domain-events.ts';
import { DomainError } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * Called synchronously inside `publish`, which runs inside a Baileys event handler: a listener that
 * does I/O queues its own work and returns at once (a returned promise is not awaited, only its
 * rejection is logged).
 */
type Listener<T> = (event: T) => unknown;

/**
 * Typed in-process pub/sub. Subscribers get an async iterator with a bounded buffer: a consumer
 * that falls `maxBuffered` events behind is cut off rather than grow memory without limit, and
 * told so (SUBSCRIPTION_OVERFLOW once it has read what was buffered), never skipped past events
 * unnoticed: a backlog of thousands delivered at a login publishes faster than a slow client reads.
 * Listeners are isolated: one that throws (or rejects) is logged and the others still get the event,
 * so a broken consumer cannot abort the rest of a Baileys batch or the session that published it.
 */
export class EventBus {
  private readonly listeners = new Map<keyof DomainEvents, Set<Listener<never>>>();
  private readonly log: Logger;

  constructor(logger: Logger) {
    this.log = logger.child({ component: 'events' });
  }

  publish<K extends keyof DomainEvents>(topic: K, event: DomainEvents[K]): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        const result = (listener as Listener<DomainEvents[K]>)(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.log.error({ err, topic }, 'an event listener failed'));
      } catch (err) {
        this.log.error({ err, topic }, 'an event listener failed');
      }
    }
  }

  on<K extends keyof DomainEvents>(topic: K, listener: Listener<DomainEvents[K]>): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** An async iterator of one topic, optionally filtered; `return()` (or break) unsubscribes. */
  subscribe<K extends keyof DomainEvents>(
    topic: K,
    filter: (event: DomainEvents[K]) => boolean = () => true,
    maxBuffered = 1_000,
  ): AsyncIterableIterator<DomainEvents[K]> {
    const buffer: DomainEvents[K][] = [];
    let wake: ((r: IteratorResult<DomainEvents[K]>) => void) | undefined;
    let done = false;
    let overflowed = false;
    const off = this.on(topic, (event) => {
      if (done || overflowed || !filter(event)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: event, done: false });
        return;
      }
      if (buffer.length < maxBuffered) return void buffer.push(event);
      // Everything up to here is still delivered, in order; nothing after it.
      overflowed = true;
      off();
    });
    const overflow = () =>
      new DomainError(
        'SUBSCRIPTION_OVERFLOW',
        `this subscription fell more than ${maxBuffered} events behind and was ended, so that no event is missed unnoticed: subscribe again (with \`after\`, where the subscription takes it, from the last cursor you received)`,
        { maxBuffered },
      );
    const finish = (): IteratorResult<DomainEvents[K]> => {
      done = true;
      off();
      buffer.length = 0;
      wake?.({ value: undefined, done: true });
      wake = undefined;
      return { value: undefined, done: true };
    };
    return {
      next: () => {
        if (buffer.length) return Promise.resolve({ value: buffer.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (overflowed) {
          finish();
          return Promise.reject(overflow());
        }
        return new Promise((resolve) => (wake = resolve));
      },
      return: () => Promise.resolve(finish()),
      throw: (err) => {
        finish();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
