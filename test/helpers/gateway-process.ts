import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  /** Every stdout line so far (JSON log lines parsed, others as `{ text }`). */
  lines: Array<Record<string, unknown>>;
  /** stdout and stderr as text, for failure messages. */
  output(): string;
  /** Resolves with the first line (already seen or coming) whose `msg` matches. */
  waitForLine(msg: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** The base URL from the "listening" line. */
  url(): Promise<string>;
}

/** The send queue's anti-ban pacing, off: tests send as fast as the gateway goes (its own test sets it). */
export const NO_PACING = { SEND_RATE_PER_MINUTE: '1000000', SEND_JITTER_MS: '0', SEND_MIN_GAP_PER_RECIPIENT_MS: '0' };

/**
 * Request limits raised for test clients, which fire many requests from one address; the limits
 * themselves are tested with low values (rate-limit-bypass, hardening).
 */
export const UNTHROTTLED = { RATE_LIMIT_RPS: '10000', RATE_LIMIT_BURST: '10000', LOGIN_RATE_LIMIT_PER_MINUTE: '1000', SEND_RATE_LIMIT_PER_MINUTE: '100000' };

/**
 * The README's start command as an operator runs it: `./wamux start` in its own process, on
 * embedded PGlite in `dataDir`, logs as JSON on stdout (no TTY). Never reused across tests.
 */
export function spawnGateway(dataDir: string, env: Record<string, string> = {}, command: string[] = ['./wamux', 'start']): GatewayProcess {
  const { DATABASE_URL: _db, ...inherited } = process.env;
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { ...inherited, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', WA_SANDBOX: 'true', LOG_LEVEL: 'info', ADMIN_PASSWORD: 'process-test-password', ...NO_PACING, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let text = '';
  const waiters: Array<{ msg: RegExp; resolve: (line: Record<string, unknown>) => void }> = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part) as Record<string, unknown>;
      } catch {
        line = { text: part };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (typeof line.msg === 'string' && w.msg.test(line.msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);

  const waitForLine = (msg: RegExp, timeoutMs = 90_000) => {
    const seen = lines.find((l) => typeof l.msg === 'string' && msg.test(l.msg));
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${msg} within ${timeoutMs} ms:\n${text.slice(-3000)}`)), timeoutMs);
      const waiter = {
        msg,
        resolve: (line: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      void exited.then(() => {
        if (!waiters.includes(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`the gateway exited before logging ${msg}:\n${text.slice(-3000)}`));
      });
    });
  };
  return {
    child,
    lines,
    output: () => text,
    waitForLine,
    exited,
    url: async () => String((await waitForLine(/^wamux listening on/)).url),
  };
}
