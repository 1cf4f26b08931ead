import { SandboxError } from './errors.ts';
import { newStanzaId, nowSeconds, type DeliveryFaultKind, type Network } from './network.ts';
import { SignalParty } from './signal-party.ts';

/** The account-restriction errors WhatsApp answers a send with: 463 reach-out timelock, 475 message cap. */
export const RESTRICTION_CODES = [463, 475] as const;

export type FaultRequest =
  | { kind: 'drop'; phoneNumber?: string }
  /** The next `count` messages to the phone's companions (all phones' when omitted). */
  | { kind: DeliveryFaultKind; phoneNumber?: string; count?: number }
  /** The next `count` 1:1 sends of the phone's companions are refused with `code`. */
  | { kind: 'reject-sends'; code?: (typeof RESTRICTION_CODES)[number]; phoneNumber?: string; count?: number }
  /** The next `count` directory (usync) queries of the phone's companions cut the connection: a socket that dies under a request. */
  | { kind: 'drop-on-query'; phoneNumber?: string; count?: number }
  /**
   * The next `count` logins of the phone's companions take `seconds` (default 30) to catch up: the
   * end-of-backlog marker, until which Baileys holds its events back, comes that late (or at a clear).
   */
  | { kind: 'slow-catch-up'; phoneNumber?: string; count?: number; seconds?: number }
  /** The phone fails to decrypt its next `count` messages from companions and asks for retries. */
  | { kind: 'phone-decrypt-failure'; phoneNumber?: string; count?: number }
  /**
   * The phone loses its Signal sessions (identity kept), its stored sessions go out of step with the
   * companions' (a storage fault), or it gets a new identity (a reinstall).
   */
  | { kind: 'reset-session' | 'corrupt-session' | 'new-identity'; phoneNumber: string }
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
    case 'drop-after-write':
    case 'duplicate':
    case 'out-of-order':
      net.faults.delivery.push({ kind: request.kind, phoneNumber: request.phoneNumber, remaining: countOf(request.count) });
      return { affected: 0 };
    case 'reject-sends': {
      const code = request.code ?? 463;
      if (!RESTRICTION_CODES.includes(code)) throw new SandboxError('INVALID_FAULT', `code must be one of ${RESTRICTION_CODES.join(', ')}`);
      net.faults.rejectSends.push({ kind: 'reject-sends', code, phoneNumber: request.phoneNumber, remaining: countOf(request.count) });
      return { affected: 0 };
    }
    case 'phone-decrypt-failure':
      net.faults.phoneDecryptFailures.push({ kind: request.kind, phoneNumber: request.phoneNumber, remaining: countOf(request.count) });
      return { affected: 0 };
    case 'drop-on-query':
      net.faults.dropOnQuery.push({ kind: request.kind, phoneNumber: request.phoneNumber, remaining: countOf(request.count) });
      return { affected: 0 };
    case 'slow-catch-up': {
      const seconds = request.seconds ?? 30;
      if (!(seconds >= 0 && seconds <= 3_600)) throw new SandboxError('INVALID_FAULT', 'seconds must be between 0 and 3600');
      net.faults.slowCatchUp.push({ kind: request.kind, phoneNumber: request.phoneNumber, remaining: countOf(request.count), ms: seconds * 1000 });
      return { affected: 0 };
    }
    case 'reset-session':
    case 'new-identity':
      return { affected: resetPhone(net, request.phoneNumber, request.kind === 'new-identity') };
    case 'corrupt-session': {
      const phone = phoneNamed(net, request.phoneNumber);
      const affected = phone.signal.corruptSessions();
      phone.signalLoss = { kind: 'corrupt-session', at: Date.now() };
      net.changed();
      return { affected };
    }
    case 'clear':
      net.faults.delivery.length = 0;
      net.faults.rejectSends.length = 0;
      net.faults.phoneDecryptFailures.length = 0;
      net.faults.dropOnQuery.length = 0;
      net.faults.slowCatchUp.length = 0;
      for (const conn of net.connections) conn.finishCatchUp?.();
      net.faults.refuseLoginsUntil = 0;
      net.faults.delayMs = 0;
      for (const conn of net.connections) conn.delayMs = 0;
      return { affected: 0 };
    default:
      throw new SandboxError('INVALID_FAULT', `kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
}

export const FAULT_KINDS = [
  'drop', 'stream-error', 'refuse-logins', 'delay', 'drop-after-write', 'duplicate', 'out-of-order',
  'reject-sends', 'drop-on-query', 'slow-catch-up', 'phone-decrypt-failure', 'reset-session', 'corrupt-session', 'new-identity', 'clear',
] as const;

function countOf(count: number | undefined): number {
  const n = count ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new SandboxError('INVALID_FAULT', 'count must be a whole number from 1 to 100000');
  return n;
}

/**
 * The phone's Signal state breaks as on a real phone: its sessions are gone (the next message from a
 * companion gets a retry receipt), or it is reinstalled with a new identity, which WhatsApp announces
 * to the devices of everyone else (`<notification type="encrypt"><identity/>`, Baileys then
 * re-fetches the phone's keys). Returns how many companions were told.
 */
function resetPhone(net: Network, phoneNumber: string, newIdentity: boolean): number {
  const phone = phoneNamed(net, phoneNumber);
  phone.signalLoss = { kind: newIdentity ? 'new-identity' : 'reset-session', at: Date.now() };
  if (!newIdentity) {
    phone.signal.forgetSessions();
    net.changed();
    return 0;
  }
  phone.signal = new SignalParty();
  net.changed();
  let told = 0;
  for (const other of net.directory.all()) {
    if (other === phone) continue;
    net.deliverToCompanions(other, () => {
      told++;
      return { tag: 'notification', attrs: { from: phone.jid, type: 'encrypt', id: newStanzaId(), t: nowSeconds() }, content: [{ tag: 'identity', attrs: {} }] };
    });
  }
  return told;
}

function phoneNamed(net: Network, phoneNumber: string) {
  const phone = net.directory.get(phoneNumber);
  if (!phone) throw new SandboxError('NOT_FOUND', `phone ${phoneNumber} not found`, 404);
  return phone;
}
