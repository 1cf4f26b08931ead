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
