/**
 * What to do after a socket closed: a pure function of the close code, the attempt number and
 * whether the instance has credentials, so it can be unit-tested and reasoned about in one place.
 */
export type ReconnectDecision =
  | { action: 'restart' } // right away, not counted as a failure (515 after pairing)
  | { action: 'retry'; delayMs: number }
  | { action: 'stop'; status: 'LOGGED_OUT' | 'DISCONNECTED'; reason: string };

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0..1: share of the delay that is randomised, so many instances do not reconnect in lockstep. */
  jitter: number;
}

/** The `lastError` of an instance whose QR codes ran out unscanned (SUDEVWA's clients expect QR_TIMEOUT). */
export const QR_EXPIRED_REASON = 'QR code expired without being scanned';
/** `lastError` of an instance whose QR linking the user cancelled (REST `qr-cancel`). */
export const QR_CANCELLED_REASON = 'QR linking cancelled';

// The common close is one dropped connection, and every second offline is a second of refused
// sends: the first retry comes after ~¼ s. Doubling to a minute spares WhatsApp (and a login-refusing
// server) in a long outage, and the jitter spreads many instances' reconnects.
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 60_000, jitter: 0.3 };

export function decideReconnect(
  statusCode: number | undefined,
  attempt: number,
  context: { hasCreds: boolean },
  backoff: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): ReconnectDecision {
  switch (statusCode) {
    case 515:
      return { action: 'restart' };
    case 401:
      return { action: 'stop', status: 'LOGGED_OUT', reason: 'logged out from the phone or by WhatsApp (401)' };
    case 403:
      return { action: 'stop', status: 'DISCONNECTED', reason: 'forbidden by WhatsApp (403): the account may be banned' };
    case 440:
      return { action: 'stop', status: 'DISCONNECTED', reason: 'replaced: the same device connected elsewhere (440)' };
    case 411:
      return { action: 'stop', status: 'DISCONNECTED', reason: 'multi-device mismatch (411)' };
  }
  // Unpaired and the QR refs ran out: asking for more QR codes nobody scans would loop forever.
  if (!context.hasCreds && statusCode === 408) {
    return { action: 'stop', status: 'DISCONNECTED', reason: QR_EXPIRED_REASON };
  }
  return { action: 'retry', delayMs: backoffDelay(attempt, backoff, random) };
}

export function backoffDelay(attempt: number, { baseMs, maxMs, jitter }: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = exp * jitter;
  return Math.round(exp - spread + random() * 2 * spread);
}
