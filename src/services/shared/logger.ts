import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import { currentRequestId } from './request-context.ts';

export type { Logger };

/**
 * One logger for the whole process; every component takes a child. Secrets never reach it.
 * `pretty` writes human lines to stdout (synchronously, so a crash loses nothing); `json` is pino's own.
 */
export function createLogger(level: string, destination?: DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  const options = {
    level,
    // Every line written while serving a request or GraphQL operation names it (see request-context.ts).
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token', '*.qr', '*.code', 'creds', 'keys'],
      censor: '[redacted]',
    },
  };
  // stdout unless told otherwise (tests read what would have been logged).
  if (destination) return pino(options, destination);
  return format === 'pretty' ? pino(options, loadPretty()({ sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' })) : pino(options);
}

/** pino-pretty (31 modules) only when asked for: JSON, the default, never loads it. */
const loadPretty = (): typeof import('pino-pretty') => createRequire(import.meta.url)('pino-pretty');

/** Baileys logs a great deal at info; it gets warn unless the operator asked for debug output. */
export function baileysLogger(logger: Logger, instanceId: string): Logger {
  const level = logger.level === 'debug' || logger.level === 'trace' ? logger.level : logger.level === 'silent' ? 'silent' : 'warn';
  return routineAsInfo(logger.child({ instanceId, component: 'baileys' }, { level }));
}

/** WhatsApp's 515 "restart required" follows every link; Baileys logs it as "stream errored out" at error. */
const isRoutine = (obj: unknown): boolean => (obj as { fullErrorNode?: { attrs?: { code?: string } } } | null)?.fullErrorNode?.attrs?.code === '515';

/**
 * The same logger, with Baileys' routine stream errors moved down to info (children too). An object
 * on top of the logger (as pino makes its own children), not a Proxy: Baileys calls `trace`/`debug`
 * on every key read and write (pino's no-op at our level), and a Proxy trapped each of those calls
 * and bound a fresh function for it, ≈ 1 % of a received message's CPU.
 */
function routineAsInfo(logger: Logger): Logger {
  const wrapped = Object.create(logger) as Logger;
  // pino's level setter assigns every level's method on the object it is set on: `error` keeps
  // routing and calls whichever method the level gave it.
  let levelError: Logger['error'] = logger.error;
  const error = (obj: object, ...rest: [string]) => (isRoutine(obj) ? wrapped.info(obj, ...rest) : levelError.call(wrapped, obj, ...rest));
  // Baileys reads `level` for every frame it sends or receives (to decide on trace output), and
  // pino's getter looks it up through symbols on a chain of prototypes that differs per session:
  // ≈ 0.6 % of a send's CPU. The label is kept here; setting it still goes through pino's setter.
  const pinoLevel = levelAccessor(logger);
  let label = logger.level;
  Object.defineProperties(wrapped, {
    level: {
      get: () => label,
      set: (level: string) => {
        pinoLevel.set!.call(wrapped, level);
        label = pinoLevel.get!.call(wrapped) as string;
      },
      configurable: true,
    },
    error: { get: () => error, set: (fn: Logger['error']) => void (levelError = fn), configurable: true },
    child: { value: lazyChildren(wrapped, (bindings) => routineAsInfo(logger.child(bindings, { level: wrapped.level }))), writable: true, configurable: true },
  });
  return wrapped;
}

/** pino's own `level` accessor (on its prototype). */
function levelAccessor(logger: Logger): PropertyDescriptor {
  for (let o: object | null = logger; o; o = Object.getPrototypeOf(o) as object | null) {
    const found = Object.getOwnPropertyDescriptor(o, 'level');
    if (found?.get && found.set) return found;
  }
  throw new Error("pino's level accessor not found");
}

const LINE_METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const BINDINGS = Symbol('bindings');
const REAL = Symbol('child');
type LazyChild = Logger & { [BINDINGS]: Record<string, unknown>; [REAL]?: Logger };

/**
 * `child` for `parent`: a child made (by `make`) only when it first writes a line, or is asked for
 * its level to change, its bindings or a child of its own. Baileys takes a child per message it
 * sends (`generateWAMessage`'s `msgId`), and at its usual level (warn) none of them ever writes; pino
 * redacts and serialises the bindings of each child it makes, which with this wrapper on top was
 * ≈ 0.7 % of a PostgreSQL send's CPU and 5 KB of garbage. Until then the child reads as its parent
 * (level, methods), and a line below the parent's level is dropped as pino's own no-op would; once
 * made, it has the level its parent had then, as a pino child has its parent's at creation.
 */
function lazyChildren(parent: Logger, make: (bindings: Record<string, unknown>) => Logger): (bindings: Record<string, unknown>) => Logger {
  const real = (self: LazyChild): Logger => (self[REAL] ??= make(self[BINDINGS]));
  // One prototype per parent with the methods on it: a child is then one small object.
  const proto = Object.create(parent) as Logger;
  const methods: PropertyDescriptorMap = {
    level: {
      get(this: LazyChild) {
        return (this[REAL] ?? parent).level;
      },
      set(this: LazyChild, level: string) {
        real(this).level = level;
      },
      configurable: true,
    },
    child: {
      value(this: LazyChild, bindings: Record<string, unknown>) {
        return real(this).child(bindings);
      },
      writable: true,
      configurable: true,
    },
    bindings: {
      value(this: LazyChild) {
        return real(this).bindings();
      },
      writable: true,
      configurable: true,
    },
  };
  for (const name of LINE_METHODS) {
    methods[name] = {
      value(this: LazyChild, ...args: unknown[]) {
        const target = this[REAL] ?? (parent.isLevelEnabled(name) ? real(this) : undefined);
        if (target) (target[name] as (...line: unknown[]) => void).apply(target, args);
      },
      writable: true,
      configurable: true,
    };
  }
  Object.defineProperties(proto, methods);
  return (bindings) => {
    const child = Object.create(proto) as LazyChild;
    child[BINDINGS] = bindings;
    return child;
  };
}
