import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/services/shared/logger.ts';

/** One JSON log line as pino writes it. */
export interface LogLine {
  level: number;
  msg?: string;
  err?: { type?: string; message?: string; stack?: string; code?: string };
  [key: string]: unknown;
}

/** A real pino logger whose lines are kept in memory, parsed, for assertions on what the app logged. */
export function captureLogs(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as LogLine);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

export const LEVEL = { info: 30, warn: 40, error: 50 } as const;
