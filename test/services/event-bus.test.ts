import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, DomainError, EventBus } from '../../src/services/shared/index.ts';

const at = new Date('2026-01-01T00:00:00Z');
const event = { type: 'RESTORE_STARTED' as const, message: 'x', instanceId: null, at };

function capturedLogs() {
  const lines: Array<{ msg: string; topic?: string; err?: { message: string } }> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger('error', sink) };
}

describe('EventBus', () => {
  it('delivers to every listener when one throws or rejects, and logs each failure', async () => {
    const { lines, logger } = capturedLogs();
    const bus = new EventBus(logger);
    const got: string[] = [];
    bus.on('system', () => got.push('before'));
    bus.on('system', () => {
      throw new Error('sync failure');
    });
    bus.on('system', () => Promise.reject(new Error('async failure')));
    bus.on('system', () => got.push('after'));
    expect(() => bus.publish('system', event)).not.toThrow();
    expect(got).toEqual(['before', 'after']);
    await expect.poll(() => lines.map((l) => l.err?.message).sort()).toEqual(['async failure', 'sync failure']);
    expect(lines.every((l) => l.topic === 'system' && l.msg === 'an event listener failed')).toBe(true);
  });

  it('does not wait for a listener that returns a promise', () => {
    const bus = new EventBus(createLogger('silent'));
    let settled = false;
    bus.on('system', () => new Promise<void>((resolve) => setImmediate(resolve)).then(() => (settled = true)));
    bus.publish('system', event);
    expect(settled).toBe(false);
  });

  it('ends a subscriber that falls maxBuffered events behind with SUBSCRIPTION_OVERFLOW, after what it had buffered', async () => {
    const bus = new EventBus(createLogger('silent'));
    const events = bus.subscribe('system', () => true, 3);
    for (let i = 0; i < 5; i++) bus.publish('system', { ...event, message: `e${i}` });
    // The oldest are never dropped: the subscriber reads the first three, in order, then the error.
    const read = [];
    for (let i = 0; i < 3; i++) read.push((await events.next()).value?.message);
    expect(read).toEqual(['e0', 'e1', 'e2']);
    const error = await events.next().then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'SUBSCRIPTION_OVERFLOW', details: { maxBuffered: 3 } });
    expect(bus.listenerCount()).toBe(0);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('never overflows a subscriber that keeps up, however many events pass', async () => {
    const bus = new EventBus(createLogger('silent'));
    const events = bus.subscribe('system', () => true, 3);
    for (let i = 0; i < 10; i++) {
      const next = events.next();
      bus.publish('system', { ...event, message: `e${i}` });
      expect((await next).value?.message).toBe(`e${i}`);
    }
    expect(bus.listenerCount()).toBe(1);
    await events.return?.();
  });
});
