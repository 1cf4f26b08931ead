import type { DomainEvents } from './domain-events.ts';

type Listener<T> = (event: T) => void;

/**
 * Typed in-process pub/sub. Subscribers get an async iterator with a bounded buffer: a slow
 * consumer loses its oldest undelivered events rather than growing memory without limit.
 */
export class EventBus {
  private readonly listeners = new Map<keyof DomainEvents, Set<Listener<never>>>();

  publish<K extends keyof DomainEvents>(topic: K, event: DomainEvents[K]): void {
    for (const listener of this.listeners.get(topic) ?? []) (listener as Listener<DomainEvents[K]>)(event);
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
    const off = this.on(topic, (event) => {
      if (done || !filter(event)) return;
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: event, done: false });
        return;
      }
      buffer.push(event);
      if (buffer.length > maxBuffered) buffer.shift();
    });
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
