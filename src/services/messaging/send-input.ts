import { validationFailed } from '../shared/index.ts';

const MAX_KEY = 200;
/** How far ahead a send may be scheduled. */
const MAX_SCHEDULE_DAYS = 366;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A future time (at most MAX_SCHEDULE_DAYS ahead), or null: now or a past time means "send now". */
export function checkSendAt(value: unknown): Date | null {
  if (value === undefined || value === null) return null;
  const at = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(at.getTime())) throw validationFailed('sendAt must be a date and time', { field: 'sendAt' });
  if (at.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) throw validationFailed(`sendAt must be at most ${MAX_SCHEDULE_DAYS} days ahead`, { field: 'sendAt' });
  return at.getTime() > Date.now() ? at : null;
}

export function checkKey(key: unknown): string | null {
  if (key === undefined || key === null || key === '') return null;
  if (typeof key !== 'string' || key.length > MAX_KEY) throw validationFailed(`idempotencyKey must be a string of at most ${MAX_KEY} characters`, { field: 'idempotencyKey' });
  return key;
}
