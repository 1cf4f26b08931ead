import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** One logger for the whole process; every component takes a child. Secrets never reach it. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token', '*.qr', '*.code', 'creds', 'keys'],
      censor: '[redacted]',
    },
  };
  // stdout unless told otherwise (tests read what would have been logged).
  return destination ? pino(options, destination) : pino(options);
}

/** Baileys logs a great deal at info; it gets warn unless the operator asked for debug output. */
export function baileysLogger(logger: Logger, instanceId: string): Logger {
  const level = logger.level === 'debug' || logger.level === 'trace' ? logger.level : logger.level === 'silent' ? 'silent' : 'warn';
  return logger.child({ instanceId, component: 'baileys' }, { level });
}
