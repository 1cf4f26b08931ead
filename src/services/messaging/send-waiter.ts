import type { EventBus } from '../shared/index.ts';
import type { MessageStatus, StoredMessage } from './types.ts';

/** A stored send is settled for its caller once WhatsApp took it, or it failed or was cancelled. */
export const PENDING = new Set<MessageStatus>(['SCHEDULED', 'QUEUED', 'SENDING']);
/** Settled sends remembered: far more than can settle between a send being stored and its caller waiting. */
const RECENTLY_SETTLED_MAX = 4_096;

const keyOf = (instanceId: string, messageId: string) => `${instanceId}\u0000${messageId}`;

export interface SendWaiterDeps {
  events: EventBus;
  /** The message as stored now (null: gone). */
  get(instanceId: string, messageId: string): Promise<StoredMessage | null>;
  /** SEND_WAIT_MS: how long a send call waits for its message to settle. */
  waitMs: number;
}

/**
 * Where send calls wait for their message to settle. One listener on the bus, from construction
 * on, serves every waiting call by key (not one listener per call, each hearing every status), and
 * remembers what settled lately: a call that just stored its message looks there for a step it
 * missed before it waited, instead of reading the row back.
 */
export class SendWaiter {
  readonly #d: SendWaiterDeps;
  readonly #waiting = new Map<string, Set<(m: StoredMessage) => void>>();
  readonly #recent = new Map<string, StoredMessage>();

  constructor(deps: SendWaiterDeps) {
    this.#d = deps;
    // For the bus's lifetime: a call still waiting while the app stops hears its ack all the same.
    deps.events.on('messageStatus', (e) => {
      if (PENDING.has(e.status)) return;
      const key = keyOf(e.instanceId, e.messageId);
      if (e.message.direction === 'OUTBOUND') {
        this.#recent.set(key, e.message);
        if (this.#recent.size > RECENTLY_SETTLED_MAX) this.#recent.delete(this.#recent.keys().next().value!);
      }
      for (const finish of this.#waiting.get(key) ?? []) finish(e.message);
    });
  }

  /**
   * Waits (up to SEND_WAIT_MS) until the message is settled; the message as stored then. `fresh`:
   * stored by this call just now, so every step it took since was heard here.
   */
  wait(message: StoredMessage, fresh: boolean): Promise<StoredMessage> {
    // A scheduled one settles at its time, not within SEND_WAIT_MS.
    if (!PENDING.has(message.status) || message.status === 'SCHEDULED') return Promise.resolve(message);
    const { instanceId, id } = message;
    const key = keyOf(instanceId, id);
    return new Promise((resolve) => {
      let done = false;
      const finish = (m: StoredMessage) => {
        if (done) return;
        done = true;
        const set = this.#waiting.get(key);
        set?.delete(finish);
        if (set?.size === 0) this.#waiting.delete(key);
        clearTimeout(timer);
        resolve(m);
      };
      const set = this.#waiting.get(key) ?? new Set();
      set.add(finish);
      this.#waiting.set(key, set);
      const timer = setTimeout(() => void this.#d.get(instanceId, id).then((m) => finish(m ?? message), () => finish(message)), this.#d.waitMs);
      // It may have settled before we listened.
      const settled = fresh ? this.#recent.get(key) : undefined;
      if (settled) finish(settled);
      else if (!fresh) void this.#d.get(instanceId, id).then((m) => m && !PENDING.has(m.status) && finish(m), () => undefined);
    });
  }
}
