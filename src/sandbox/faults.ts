import { SandboxError } from './errors.ts';
import type { Network } from './network.ts';

export type FaultRequest =
  | { kind: 'drop'; phoneNumber?: string }
  | { kind: 'stream-error'; code?: number; phoneNumber?: string }
  | { kind: 'refuse-logins'; code?: number; seconds?: number }
  | { kind: 'delay'; ms?: number; seconds?: number }
  | { kind: 'clear' };

/** Faults on demand, for reconnect tests: each produces the close reason WhatsApp would cause. */
export function applyFault(net: Network, request: FaultRequest): { affected: number } {
  const targets = [...net.online.values()].filter(
    (c) => c.open && (!('phoneNumber' in request) || request.phoneNumber === undefined || c.companion?.phoneNumber === request.phoneNumber),
  );
  switch (request.kind) {
    case 'drop':
      for (const conn of targets) conn.drop();
      return { affected: targets.length };
    case 'stream-error': {
      const code = request.code ?? 503;
      if (!Number.isInteger(code) || code < 100 || code > 999) throw new SandboxError('INVALID_FAULT', 'code must be a 3-digit status');
      for (const conn of targets) {
        // 440 is how WhatsApp says "replaced by another login": a conflict child, no code attribute.
        if (code === 440) void conn.streamError(undefined, { tag: 'conflict', attrs: { type: 'replaced' } });
        else void conn.streamError(code);
      }
      return { affected: targets.length };
    }
    case 'refuse-logins': {
      const seconds = request.seconds ?? 30;
      if (!(seconds >= 0 && seconds <= 86_400)) throw new SandboxError('INVALID_FAULT', 'seconds must be between 0 and 86400');
      net.faults.refuseLoginsUntil = Date.now() + seconds * 1000;
      net.faults.refuseCode = request.code ?? 503;
      return { affected: 0 };
    }
    case 'delay': {
      const ms = request.ms ?? (request.seconds ?? 0) * 1000;
      if (!(ms >= 0 && ms <= 120_000)) throw new SandboxError('INVALID_FAULT', 'delay must be between 0 and 120 s');
      net.faults.delayMs = ms;
      for (const conn of net.connections) conn.delayMs = ms;
      return { affected: net.connections.size };
    }
    case 'clear':
      net.faults.refuseLoginsUntil = 0;
      net.faults.delayMs = 0;
      for (const conn of net.connections) conn.delayMs = 0;
      return { affected: 0 };
    default:
      throw new SandboxError('INVALID_FAULT', 'kind must be one of drop, stream-error, refuse-logins, delay, clear');
  }
}
