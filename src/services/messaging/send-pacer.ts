/** How fast one instance may send: WhatsApp bans accounts that send like machines. */
export interface PacingOptions {
  /** SEND_RATE_PER_MINUTE: at most this many sends per instance and minute (the base gap is 60 s / rate). */
  ratePerMinute: number;
  /** SEND_JITTER_MS: a random extra wait in [0, jitterMs] added to every gap, so sends do not tick like a clock. */
  jitterMs: number;
  /** SEND_MIN_GAP_PER_RECIPIENT_MS: at least this long between two sends of an instance to the same chat. */
  minGapPerRecipientMs: number;
}

/** Time and chance, injectable so the policy is tested without waiting. */
export interface PacingClock {
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

export const systemClock: PacingClock = { now: () => Date.now(), random: Math.random };

/** Chats remembered per instance for the per-recipient gap; older entries are long past any gap. */
const MAX_RECENT_CHATS = 10_000;

/**
 * The pacing policy of every instance's send queue: when its next send may go. Only adds waits
 * (jitter never shortens a gap), so the rate is a true maximum. Pure bookkeeping: the queue asks
 * `waitMs` before a send, sleeps that long, asks again (something may have changed), and calls
 * `sent` once it handed a message to WhatsApp.
 */
export class SendPacer {
  readonly #options: PacingOptions;
  readonly #clock: PacingClock;
  /** Per instance: when its next send may go (base gap + the jitter drawn after its last send). */
  readonly #nextAt = new Map<string, number>();
  /** Per instance: when it last sent to each chat, in insertion order (oldest first). */
  readonly #lastToChat = new Map<string, Map<string, number>>();

  constructor(options: PacingOptions, clock: PacingClock = systemClock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** How long the instance must wait before sending to `chatJid`; 0 = now. */
  waitMs(instanceId: string, chatJid: string): number {
    const now = this.#clock.now();
    const instanceReady = this.#nextAt.get(instanceId) ?? 0;
    const last = this.#lastToChat.get(instanceId)?.get(chatJid);
    const chatReady = last === undefined ? 0 : last + this.#options.minGapPerRecipientMs;
    return Math.max(0, instanceReady - now, chatReady - now);
  }

  /** The instance handed a message for `chatJid` to WhatsApp now. */
  sent(instanceId: string, chatJid: string): void {
    const now = this.#clock.now();
    const { ratePerMinute, jitterMs } = this.#options;
    this.#nextAt.set(instanceId, now + 60_000 / ratePerMinute + Math.floor(this.#clock.random() * (jitterMs + 1)));
    if (this.#options.minGapPerRecipientMs <= 0) return;
    let chats = this.#lastToChat.get(instanceId);
    if (!chats) this.#lastToChat.set(instanceId, (chats = new Map()));
    chats.delete(chatJid);
    chats.set(chatJid, now);
    if (chats.size > MAX_RECENT_CHATS) chats.delete(chats.keys().next().value!);
  }

  /** Forgets an instance (deleted). */
  forget(instanceId: string): void {
    this.#nextAt.delete(instanceId);
    this.#lastToChat.delete(instanceId);
  }
}
