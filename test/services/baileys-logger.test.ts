import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { baileysLogger, createLogger } from '../../src/services/shared/index.ts';

/** A logger at `level` whose lines land in `lines` (parsed), written synchronously. */
function capture(level: string) {
  const lines: Array<{ level: number; msg: string; instanceId?: string }> = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, out), lines };
}

describe("Baileys' logger", () => {
  it('moves the 515 after a link to info, keeps other errors, in children too', () => {
    const { logger, lines } = capture('debug');
    const log = baileysLogger(logger, 'inst-1');
    log.error({ fullErrorNode: { attrs: { code: '515' } } }, 'stream errored out');
    log.child({ class: 'socket' }).error({ fullErrorNode: { attrs: { code: '515' } } }, 'child stream errored out');
    log.error({ err: 'boom' }, 'a real error');
    expect(lines.map((l) => [l.level, l.msg, l.instanceId])).toEqual([
      [30, 'stream errored out', 'inst-1'],
      [30, 'child stream errored out', 'inst-1'],
      [50, 'a real error', 'inst-1'],
    ]);
  });

  it("a child's lines carry its bindings and its parent's level, and its own level once set", () => {
    const { logger, lines } = capture('debug');
    const log = baileysLogger(logger, 'inst-3');
    log.level = 'warn';
    // Baileys takes one of these per message sent (generateWAMessage), most of which never write.
    const child = log.child({ msgId: 'm-1' });
    expect(child.level).toBe('warn');
    child.debug('below the level');
    child.warn({ at: 1 }, 'a warning');
    child.error({ fullErrorNode: { attrs: { code: '515' } } }, 'routine, hidden at warn');
    log.child({ msgId: 'm-2' }).child({ step: 'encrypt' }).error('nested');
    const verbose = log.child({ msgId: 'm-3' });
    verbose.level = 'debug';
    verbose.debug('its own level');
    log.debug('the parent stays at warn');
    expect(child.bindings()).toMatchObject({ msgId: 'm-1' });
    expect(lines.map((l) => [l.level, l.msg, l.instanceId, (l as { msgId?: string }).msgId, (l as { step?: string }).step])).toEqual([
      [40, 'a warning', 'inst-3', 'm-1', undefined],
      [50, 'nested', 'inst-3', 'm-2', 'encrypt'],
      [20, 'its own level', 'inst-3', 'm-3', undefined],
    ]);
  });

  it('follows a level change, and keeps moving the 515 to info across it', () => {
    const { logger, lines } = capture('debug');
    const log = baileysLogger(logger, 'inst-2');
    log.debug('first');
    log.debug('second'); // the same binding, asked for again
    log.level = 'warn';
    log.debug('hidden');
    log.warn('shown');
    log.error({ fullErrorNode: { attrs: { code: '515' } } }, 'routine, hidden at warn');
    log.error({ err: 'boom' }, 'error at warn');
    log.level = 'debug';
    log.debug('third');
    log.error({ fullErrorNode: { attrs: { code: '515' } } }, 'routine at debug');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'first'],
      [20, 'second'],
      [40, 'shown'],
      [50, 'error at warn'],
      [20, 'third'],
      [30, 'routine at debug'],
    ]);
  });
});
