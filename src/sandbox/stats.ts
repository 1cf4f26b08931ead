/** The decrypt failure a phone-decrypt-failure fault causes on purpose (counted apart from real ones). */
export class InjectedDecryptFailure extends Error {
  constructor() {
    super('phone-decrypt-failure fault');
  }
}

/** What a phone's Signal state lost on purpose (a fault), and when (ms epoch). */
export interface SignalLoss {
  kind: 'reset-session' | 'new-identity' | 'corrupt-session';
  at: number;
}

/**
 * Why a phone could not decrypt a companion's message: a phone-decrypt-failure fault; the phone lost
 * the session the message was sealed on (reset, reinstall, corrupted store) and the companion had not
 * learned yet (nothing from that device decrypted since), where WhatsApp fails a first decrypt too;
 * or nothing the sandbox did explains it.
 */
export type DecryptFailureCause = 'injected' | 'session-lost' | 'unexplained';

/** One failed decrypt at a phone, for tracing (`GET /sandbox/stats`, bounded). */
export interface DecryptFailureRecord {
  at: number;
  /** The phone that failed, and the companion that sent. */
  phone: string;
  sender: string;
  senderDevice: number;
  id: string;
  /** `pkmsg` or `msg`; `retryCount` > 0 for a copy sent again after a retry receipt. */
  type: string;
  retryCount: number;
  error: string;
  cause: DecryptFailureCause;
  /** For `session-lost`: the loss it follows. */
  loss?: SignalLoss;
  /**
   * After a loss: when the sending device acknowledged a message the phone sent it since (which
   * started the phone's new session). A failure after that was sealed on a session the device knew
   * was gone: it is not counted as `session-lost` but as `unexplained`, with the loss beside it.
   */
  newSessionAckedAt?: number;
}

/**
 * What went wrong on the network, by phone number, for tests and the fault benchmark: the same
 * count for any client, since it is what the server saw (a retry receipt, a nack, a failed decrypt).
 */
export class NetworkStats {
  /** Messages a phone could not decrypt, by the sending companion's phone number. */
  readonly phoneDecryptFailures = new Map<string, number>();
  /** Of those, the ones a phone-decrypt-failure fault caused on purpose, by the same phone number. */
  readonly phoneInjectedFailures = new Map<string, number>();
  /** Of those, the ones sealed on a session the phone had lost (reset, reinstall) before the companion learned, by the same phone number. */
  readonly phoneSessionLostFailures = new Map<string, number>();
  /** The latest failed decrypts at phones, oldest first (bounded): which fault each follows. */
  readonly decryptFailureLog: DecryptFailureRecord[] = [];
  /** Retry receipts companions sent because they could not decrypt, by the companion's phone number. */
  readonly companionRetries = new Map<string, number>();
  /** Acks with an error (nacks) companions sent, by phone number and code (e.g. 487: "Key used already"). */
  readonly companionNacks = new Map<string, Map<string, number>>();
  /** Ids of sends refused by a reject-sends fault, newest last (bounded). */
  readonly refusedSends: string[] = [];
  /** Ids of the 1:1 messages the server took from companions (bounded): a send missing here never reached it. */
  readonly companionSends = new Set<string>();
  /** Ids of companion messages a phone failed to decrypt and has not decrypted since (bounded). */
  readonly undecrypted = new Set<string>();

  /** A phone could not decrypt a companion's message (sent by `failure.sender`). */
  phoneDecryptFailed(failure: Omit<DecryptFailureRecord, 'at' | 'error' | 'cause'>, err: unknown): void {
    const cause: DecryptFailureCause = err instanceof InjectedDecryptFailure ? 'injected' : failure.loss && !failure.newSessionAckedAt ? 'session-lost' : 'unexplained';
    this.count(this.phoneDecryptFailures, failure.sender);
    if (cause === 'injected') this.count(this.phoneInjectedFailures, failure.sender);
    if (cause === 'session-lost') this.count(this.phoneSessionLostFailures, failure.sender);
    const error = String((err as Error)?.message ?? err).slice(0, 120);
    const { loss, ...rest } = failure;
    this.decryptFailureLog.push({ at: Date.now(), ...rest, error, cause, ...(loss && cause !== 'injected' ? { loss } : {}) });
    if (this.decryptFailureLog.length > 5_000) this.decryptFailureLog.splice(0, this.decryptFailureLog.length - 5_000);
  }

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  nack(phoneNumber: string, code: string): void {
    let codes = this.companionNacks.get(phoneNumber);
    if (!codes) this.companionNacks.set(phoneNumber, (codes = new Map()));
    this.count(codes, code);
  }

  /** Adds to a bounded id set, forgetting the oldest. */
  remember(set: Set<string>, id: string): void {
    set.add(id);
    if (set.size > 20_000) set.delete(set.values().next().value!);
  }

  refused(id: string): void {
    this.refusedSends.push(id);
    if (this.refusedSends.length > 100_000) this.refusedSends.splice(0, this.refusedSends.length - 100_000);
  }

  toJSON() {
    return {
      phoneDecryptFailures: Object.fromEntries(this.phoneDecryptFailures),
      phoneInjectedFailures: Object.fromEntries(this.phoneInjectedFailures),
      phoneSessionLostFailures: Object.fromEntries(this.phoneSessionLostFailures),
      decryptFailureLog: this.decryptFailureLog,
      companionRetries: Object.fromEntries(this.companionRetries),
      companionNacks: Object.fromEntries([...this.companionNacks].map(([phone, codes]) => [phone, Object.fromEntries(codes)])),
      refusedSends: this.refusedSends,
      companionSends: [...this.companionSends],
      undecrypted: [...this.undecrypted],
    };
  }
}
