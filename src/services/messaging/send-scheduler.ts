import type { MessageRepository } from '../../db/message.repository.ts';
import type { Logger } from '../shared/index.ts';
import type { MessageLedger } from './ledger.ts';

/** A scheduled send is looked at again at least this often (a missed timer, clock changes, another gateway's rows). */
const MAX_SLEEP_MS = 60_000;
const BATCH = 500;

export interface SendSchedulerDeps {
  repo: MessageRepository;
  ledger: MessageLedger;
  logger: Logger;
  /** A scheduled message became QUEUED: its instance's queue takes it from here. */
  onDue(instanceId: string): void;
}

/**
 * Turns SCHEDULED sends into QUEUED ones when their `sendAt` comes. The schedule lives in the
 * ledger (`sendAfter`), so it survives restarts: one timer is set for the earliest due row, and
 * re-set when an earlier one is scheduled.
 */
export class SendScheduler {
  readonly #d: SendSchedulerDeps;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  /** When the timer fires. */
  #wakeAt = Number.POSITIVE_INFINITY;
  #running: Promise<void> | undefined;
  /** The timer fired during a run: run once more after it (a row scheduled meanwhile may be due). */
  #again = false;
  #stopped = false;

  constructor(deps: SendSchedulerDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'send-scheduler' });
  }

  /** Queues what came due while the gateway was down, then waits for the next one. */
  start(): void {
    this.#wake(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** A send was scheduled for `at`: wakes up then, if that is earlier than planned. */
  scheduled(at: Date): void {
    this.#wake(at.getTime() - Date.now());
  }

  #wake(inMs: number): void {
    if (this.#stopped) return;
    const at = Date.now() + Math.max(0, Math.min(inMs, MAX_SLEEP_MS));
    if (this.#timer && at >= this.#wakeAt) return;
    clearTimeout(this.#timer);
    this.#wakeAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.#fire();
    }, at - Date.now());
    this.#timer.unref();
  }

  #fire(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (!this.#again) return;
      this.#again = false;
      this.#fire();
    });
  }

  async #run(): Promise<void> {
    let next: Date | null = null;
    try {
      for (;;) {
        const due = await this.#d.repo.dueScheduled(new Date(), BATCH);
        for (const row of due) {
          // Null when it moved on meanwhile (cancelled).
          if (await this.#d.ledger.advanceRow(row, 'QUEUED')) this.#d.onDue(row.instanceId);
        }
        if (due.length < BATCH || this.#stopped) break;
      }
      next = await this.#d.repo.nextScheduledAt();
    } catch (err) {
      this.#log.error({ err }, 'queuing scheduled sends failed; trying again shortly');
      next = new Date(Date.now() + 5_000);
    }
    this.#wake(next ? next.getTime() - Date.now() : MAX_SLEEP_MS);
  }
}
