/**
 * Whether an ONLINE session really passes messages, judged from what it sees on the wire. Pure: the
 * session feeds it events with their time and asks it what to do; nothing here touches a socket.
 *
 * - Every message sent gets a server `<ack>` within moments. One that has none after `ackTimeoutMs`
 *   means the socket is dead or silent while still looking open (Baileys' own keep-alive notices
 *   only after 35–65 s): the verdict is a reconnect.
 * - Messages from one contact that fail to decrypt again and again mean that this account's Signal
 *   session with the contact is out of step. Baileys answers each failure with a retry receipt;
 *   when that does not help, the verdict is to re-establish the session (drop ours, fetch a fresh
 *   key bundle), and the contact counts as healed at its next message that decrypts.
 * - The other way round, a contact whose device keeps sending retry receipts for our messages
 *   cannot read them: the same verdict, healed at its next delivery receipt.
 */
export type HealthState = 'OK' | 'DEGRADED';

export interface SessionHealth {
  state: HealthState;
  /** Why it is DEGRADED (null when OK). */
  reason: string | null;
  /** Since when the state holds. */
  since: Date;
}

export interface HealthPolicy {
  ackTimeoutMs: number;
  /** Failed decrypts from one contact within `decryptWindowMs` that count as a broken session. */
  decryptFailures: number;
  decryptWindowMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { ackTimeoutMs: 20_000, decryptFailures: 3, decryptWindowMs: 120_000 };

export type HealthVerdict =
  | { action: 'none' }
  | { action: 'reconnect'; reason: string }
  | { action: 'reset-session'; jid: string; reason: string };

export class HealthMonitor {
  private readonly policy: HealthPolicy;
  /** Sends on the current socket still waiting for the server's ack: id → sent at (ms). */
  private readonly unacked = new Map<string, number>();
  /** Contact → its recent failed decrypts (message id, when). */
  private readonly failures = new Map<string, Array<{ id: string | undefined; at: number }>>();
  /**
   * Contact → messages whose failure was already dealt with (the contact decrypted since, or its
   * session was re-established): their copies still in flight, sent again on the old session, fail
   * too and are not new evidence.
   */
  private readonly settled = new Map<string, Map<string, number>>();
  /** Contacts whose session was re-established and that have not decrypted since: why, and when. */
  private readonly broken = new Map<string, { reason: string; at: number }>();
  private stalled: string | null = null;
  private current: SessionHealth;

  constructor(policy: HealthPolicy = DEFAULT_HEALTH_POLICY, now = Date.now()) {
    this.policy = policy;
    this.current = { state: 'OK', reason: null, since: new Date(now) };
  }

  get health(): SessionHealth {
    return this.current;
  }

  sent(id: string, now: number): void {
    this.unacked.set(id, now);
  }

  acked(id: string): void {
    this.unacked.delete(id);
  }

  /** A new socket is online: acks owed by the old one will never come. */
  connected(now: number): void {
    this.unacked.clear();
    this.stalled = null;
    this.update(now);
  }

  /** A message from `jid` failed to decrypt (Baileys already asked the contact to send it again). */
  decryptFailed(jid: string, now: number, messageId?: string): HealthVerdict {
    return this.failed(jid, jid, now, messageId, (n, s) => `${n} messages from ${jid} failed to decrypt within ${s} s; re-establishing the Signal session`);
  }

  decrypted(jid: string, now: number): void {
    this.settle(jid, now);
    if (this.broken.delete(jid)) this.update(now);
  }

  /**
   * The contact's device could not decrypt a message we sent and asked for it again (a retry
   * receipt, which Baileys answers). A message's several receipts count once; several messages
   * in a row mean the session on its side is out of step with ours.
   */
  retryAsked(jid: string, messageId: string, now: number): HealthVerdict {
    const key = `to:${jid}`;
    if (this.failures.get(key)?.some((f) => f.id === messageId)) return { action: 'none' };
    return this.failed(key, jid, now, messageId, (n, s) => `${n} messages to ${jid} could not be decrypted by its device within ${s} s; re-establishing the Signal session`);
  }

  /** A delivery or read receipt from the contact: its device decrypted what we sent. */
  delivered(jid: string, now: number): void {
    this.decrypted(`to:${jid}`, now);
  }

  /** One failure for `key` (a contact, per direction); enough of them make it broken. */
  private failed(key: string, jid: string, now: number, messageId: string | undefined, describe: (n: number, windowSeconds: number) => string): HealthVerdict {
    const settled = this.settledOf(key, now);
    if (messageId && settled.has(messageId)) return { action: 'none' };
    // Messages the contact sealed on the old session before it got ours fail too, until its retry
    // answers arrive on the new one: no second reset for those. Still failing after a whole
    // window, the session is re-established again.
    const reset = this.broken.get(key);
    if (reset && now - reset.at < this.policy.decryptWindowMs) {
      if (messageId) settled.set(messageId, now);
      return { action: 'none' };
    }
    const recent = (this.failures.get(key) ?? []).filter((f) => now - f.at < this.policy.decryptWindowMs);
    recent.push({ id: messageId, at: now });
    this.failures.set(key, recent);
    if (recent.length < this.policy.decryptFailures) return { action: 'none' };
    this.settle(key, now);
    const reason = describe(recent.length, Math.round(this.policy.decryptWindowMs / 1000));
    this.broken.set(key, { reason, at: now });
    this.update(now);
    return { action: 'reset-session', jid, reason };
  }

  /** The failures counted so far are dealt with: copies of those messages that fail later do not count. */
  private settle(jid: string, now: number): void {
    const failed = this.failures.get(jid);
    if (!failed) return;
    this.failures.delete(jid);
    const settled = this.settledOf(jid, now);
    for (const f of failed) if (f.id) settled.set(f.id, now);
  }

  private settledOf(jid: string, now: number): Map<string, number> {
    let settled = this.settled.get(jid);
    if (!settled) this.settled.set(jid, (settled = new Map()));
    for (const [id, at] of settled) if (now - at >= this.policy.decryptWindowMs) settled.delete(id);
    return settled;
  }

  /** Called periodically while ONLINE. */
  check(now: number): HealthVerdict {
    for (const [id, at] of this.unacked) {
      if (now - at < this.policy.ackTimeoutMs) continue;
      this.unacked.clear();
      this.stalled = `WhatsApp did not acknowledge message ${id} within ${Math.round(this.policy.ackTimeoutMs / 1000)} s; reconnecting`;
      this.update(now);
      return { action: 'reconnect', reason: this.stalled };
    }
    return { action: 'none' };
  }

  private update(now: number): void {
    const reason = this.stalled ?? this.broken.values().next().value?.reason ?? null;
    const state: HealthState = reason ? 'DEGRADED' : 'OK';
    if (state !== this.current.state || reason !== this.current.reason) this.current = { state, reason, since: new Date(now) };
  }
}
