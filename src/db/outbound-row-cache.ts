import type { MessageRecord, MessageStatus } from './message.repository.ts';

// Far above what is in flight (the gateway bench keeps 64 sends in flight); a row that never gets
// its receipt (a phone gone for good) is dropped once this many newer ones came.
const MAX_ROWS = 4_096;

/** Past these a send's steps are rare (a read receipt, maybe days later): the row is read back whole then. */
const SETTLED = new Set<MessageStatus>(['DELIVERED', 'READ', 'PLAYED', 'FAILED', 'CANCELLED']);

const keyOf = (instanceId: string, waId: string) => `${instanceId}\u0000${waId}`;

/**
 * The rows of sends on their way (stored QUEUED, not yet delivered), as this process stored or last
 * stepped them. A send takes three status steps (SENDING, the server's ack, the delivery receipt)
 * within moments of its insert, and each step's event carries the whole message: with the row held
 * here, a step returns only the columns it changed instead of the whole row (its encrypted content
 * read back, parsed and decrypted three times per send). Only this process changes a row's content
 * (edits, reactions, deletes go through `MessageRepository`, which updates or drops it here); its
 * status, status times, error and attempts always come from the step's own statement.
 */
export class OutboundRowCache {
  readonly #rows = new Map<string, MessageRecord>();

  get(instanceId: string, waId: string): MessageRecord | undefined {
    return this.#rows.get(keyOf(instanceId, waId));
  }

  has(instanceId: string, waId: string): boolean {
    return this.#rows.has(keyOf(instanceId, waId));
  }

  /** Holds `record` if it is a send still on its way; drops it once settled. */
  put(record: MessageRecord): void {
    const key = keyOf(record.instanceId, record.waId);
    this.#rows.delete(key);
    if (record.direction !== 'OUTBOUND' || record.status === 'SCHEDULED' || SETTLED.has(record.status)) return;
    this.#rows.set(key, record);
    if (this.#rows.size > MAX_ROWS) this.#rows.delete(this.#rows.keys().next().value!);
  }

  drop(instanceId: string, waId: string): void {
    this.#rows.delete(keyOf(instanceId, waId));
  }

  clear(): void {
    this.#rows.clear();
  }
}
