/** The decrypt failure a phone-decrypt-failure fault causes on purpose (counted apart from real ones). */
export class InjectedDecryptFailure extends Error {
  constructor() {
    super('phone-decrypt-failure fault');
  }
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

  /** A phone could not decrypt a companion's message (sent by `senderPhone`). */
  phoneDecryptFailed(senderPhone: string, err: unknown): void {
    this.count(this.phoneDecryptFailures, senderPhone);
    if (err instanceof InjectedDecryptFailure) this.count(this.phoneInjectedFailures, senderPhone);
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
      companionRetries: Object.fromEntries(this.companionRetries),
      companionNacks: Object.fromEntries([...this.companionNacks].map(([phone, codes]) => [phone, Object.fromEntries(codes)])),
      refusedSends: this.refusedSends,
      companionSends: [...this.companionSends],
      undecrypted: [...this.undecrypted],
    };
  }
}
