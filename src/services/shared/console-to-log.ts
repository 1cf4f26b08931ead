import { format } from 'node:util';
import type { Logger } from 'pino';

const QUIET = ['log', 'info', 'debug', 'trace'] as const;
const LOUD = ['warn', 'error'] as const;

/**
 * Routes what libraries print with `console.*` into the process logger, so stdout carries pino JSON
 * lines only. libsignal prints whole Signal sessions (private keys, root keys) with
 * `console.info("Closing session:", session)` on every link and restart; graphql-ws prints socket
 * errors with `console.error`. Editing node_modules would not survive an install, and singling out
 * libsignal by stack frames would miss the next library, so every console call is handled alike:
 * - only the text is kept (string arguments, and the message of an Error); objects are dropped
 *   unread, because whatever a library hands to console is not ours to vet for secrets;
 * - log/info/debug/trace go out at debug (a library's chatter, off at the default level),
 *   warn/error at warn (a library's complaint, which an operator may want to see).
 * Installed once, by main, before the app is built; tests that build the app in-process leave
 * console alone. Returns the undo.
 */
export function routeConsoleToLog(logger: Logger): () => void {
  const log = logger.child({ component: 'console' });
  const saved = new Map<string, unknown>();
  const text = (args: unknown[]) =>
    args
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? format('%s: %s', a.name, a.message) : typeof a === 'number' || typeof a === 'boolean' ? String(a) : undefined))
      .filter((a) => a !== undefined)
      .join(' ');
  for (const name of [...QUIET, ...LOUD]) {
    saved.set(name, console[name]);
    const level = (QUIET as readonly string[]).includes(name) ? 'debug' : 'warn';
    console[name] = (...args: unknown[]) => log[level](text(args));
  }
  return () => {
    for (const [name, fn] of saved) (console as unknown as Record<string, unknown>)[name] = fn;
  };
}
