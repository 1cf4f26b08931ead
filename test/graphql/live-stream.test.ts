import { describe, expect, it } from 'vitest';
import { AccessLost, liveStream } from '../../src/resolvers/live-stream.ts';
import { createLogger, EventBus } from '../../src/services/shared/index.ts';

const at = new Date('2026-01-01T00:00:00Z');
const event = (message: string) => ({ type: 'RESTORE_STARTED' as const, message, instanceId: null, at });

describe('liveStream', () => {
  it('ends with the source\'s SUBSCRIPTION_OVERFLOW as its last item (the client gets the code), then completes', async () => {
    const bus = new EventBus(createLogger('silent'));
    const stream = liveStream(bus.subscribe('system', () => true, 2), { signal: new AbortController().signal });
    for (const m of ['a', 'b', 'c']) bus.publish('system', event(m));
    const first = await stream.next();
    const second = await stream.next();
    expect([first.value, second.value].map((v) => (v as { message: string }).message)).toEqual(['a', 'b']);
    const last = await stream.next();
    expect(last.done).toBe(false);
    expect(last.value).toBeInstanceOf(AccessLost);
    expect((last.value as AccessLost).error).toMatchObject({ code: 'SUBSCRIPTION_OVERFLOW' });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
  });

  it('still fails on a source error that is not a domain error', async () => {
    const broken: AsyncIterableIterator<number> = {
      next: () => Promise.reject(new Error('broken source')),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const stream = liveStream(broken, { signal: new AbortController().signal });
    await expect(stream.next()).rejects.toThrow('broken source');
  });
});
