import type { SendPauseRecord, SendPauseRepository } from '../../db/send-pause.repository.ts';
import type { EventBus, Logger, Metrics } from '../shared/index.ts';

/** WhatsApp's answers that mean "this account is restricted": stop sending, do not retry. */
const RESTRICTIONS: Record<string, string> = {
  WHATSAPP_463: 'reach-out timelock (463): WhatsApp does not let this account start new chats for now',
  WHATSAPP_475: 'message capping (475): this account reached the number of messages WhatsApp allows it for now',
};

/** The longest a timer is set for at once (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 86_400_000;

export type SendPauseInfo = SendPauseRecord;

export interface SendPausesDeps {
  repo: SendPauseRepository;
  events: EventBus;
  logger: Logger;
  metrics: Pick<Metrics, 'instanceRestrictions'>;
  /** SEND_RESTRICTED_PAUSE_SECONDS: a restricted queue resumes by itself after this long; 0 = only by hand. */
  pauseSeconds: number;
  /** Called when a queue may send again (the send queue looks at it). */
  onResume(instanceId: string): void;
}

/**
 * Pauses an instance's send queue when WhatsApp answers a send with an account restriction (463
 * reach-out timelock, 475 message capping): that message is FAILED with the code (the ledger did
 * that), the rest stay QUEUED, and `INSTANCE_RESTRICTED` is published (system events, webhooks).
 * Retrying would count as another reach-out and deepen the restriction, so the queue waits for
 * SEND_RESTRICTED_PAUSE_SECONDS or for `resume`. Pauses are stored and outlive restarts.
 */
export class SendPauses {
  readonly #d: SendPausesDeps;
  readonly #log: Logger;
  readonly #paused = new Map<string, SendPauseRecord>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #off: (() => void) | undefined;

  constructor(deps: SendPausesDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'send-pauses' });
  }

  /** Loads the stored pauses (before any queue starts) and watches for restriction answers. */
  async start(): Promise<void> {
    for (const pause of await this.#d.repo.all()) this.#hold(pause);
    this.#off = this.#d.events.on('messageStatus', (e) => {
      const code = e.message.errorCode;
      if (e.status === 'FAILED' && e.message.direction === 'OUTBOUND' && code && RESTRICTIONS[code]) {
        return this.restrict(e.instanceId, code, e.messageId).catch((err: unknown) => this.#log.error({ err, instanceId: e.instanceId }, 'pausing a restricted queue failed'));
      }
    });
  }

  stop(): void {
    this.#off?.();
    this.#off = undefined;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  isPaused(instanceId: string): boolean {
    return this.#paused.has(instanceId);
  }

  get(instanceId: string): SendPauseInfo | null {
    return this.#paused.get(instanceId) ?? null;
  }

  /** Pauses the instance's queue (once: a second refusal while paused changes nothing). */
  async restrict(instanceId: string, code: string, messageId: string | null, now = new Date()): Promise<void> {
    if (this.#paused.has(instanceId)) return;
    const { pauseSeconds } = this.#d;
    const message = `WhatsApp restricted this account: ${RESTRICTIONS[code] ?? code}. Its queued sends are paused ${pauseSeconds ? `for ${pauseSeconds} s` : 'until resumeInstanceQueue'}.`;
    const pause = { instanceId, code, message, messageId, pausedAt: now, resumesAt: pauseSeconds ? new Date(now.getTime() + pauseSeconds * 1000) : null };
    // Held before the write: the queue must not take its next row while the pause is being stored.
    this.#paused.set(instanceId, pause);
    const { record, created } = await this.#d.repo.pause(pause);
    this.#hold(record);
    if (!created) return;
    this.#log.warn({ instanceId, code, messageId, resumesAt: record.resumesAt }, 'WhatsApp restricted the account: send queue paused');
    this.#d.metrics.instanceRestrictions.inc({ code });
    this.#d.events.publish('system', { type: 'INSTANCE_RESTRICTED', message, instanceId, at: now });
  }

  /** Lets the queue send again; false when it was not paused. */
  async resume(instanceId: string): Promise<boolean> {
    const removed = await this.#d.repo.resume(instanceId);
    const held = this.#paused.delete(instanceId);
    clearTimeout(this.#timers.get(instanceId));
    this.#timers.delete(instanceId);
    if (!removed && !held) return false;
    this.#log.info({ instanceId }, 'send queue resumed');
    this.#d.onResume(instanceId);
    return true;
  }

  #hold(pause: SendPauseRecord): void {
    this.#paused.set(pause.instanceId, pause);
    clearTimeout(this.#timers.get(pause.instanceId));
    if (!pause.resumesAt) return;
    const arm = () => {
      const left = pause.resumesAt!.getTime() - Date.now();
      if (left > 0) return void this.#timers.set(pause.instanceId, setTimeout(arm, Math.min(left, MAX_TIMER_MS)).unref());
      this.#timers.delete(pause.instanceId);
      void this.resume(pause.instanceId).catch((err: unknown) => this.#log.error({ err, instanceId: pause.instanceId }, 'resuming a paused queue failed'));
    };
    arm();
  }
}
