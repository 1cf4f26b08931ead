import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { SendPause } from './send-pause.entity.ts';
import type { Orm } from './orm.ts';

export interface SendPauseRecord {
  instanceId: string;
  code: string;
  message: string;
  messageId: string | null;
  pausedAt: Date;
  resumesAt: Date | null;
}

/** Paused send queues (see SendPause). */
export class SendPauseRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async all(): Promise<SendPauseRecord[]> {
    return (await this.#orm.em.fork().find(SendPause, {})).map(toRecord);
  }

  /** Stores a pause unless the instance has one already; the stored one either way. */
  async pause(record: SendPauseRecord): Promise<{ record: SendPauseRecord; created: boolean }> {
    const em = this.#orm.em.fork();
    const existing = await em.findOne(SendPause, { instance: record.instanceId });
    if (existing) return { record: toRecord(existing), created: false };
    const { instanceId, ...rest } = record;
    em.create(SendPause, { instance: instanceId, ...rest });
    try {
      await em.flush();
      return { record, created: true };
    } catch (err) {
      // Two refusals at once: the first one's pause stands.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const first = await this.#orm.em.fork().findOne(SendPause, { instance: instanceId });
      if (!first) throw err;
      return { record: toRecord(first), created: false };
    }
  }

  /** True when there was a pause to remove. */
  async resume(instanceId: string): Promise<boolean> {
    return (await this.#orm.em.fork().nativeDelete(SendPause, { instance: instanceId })) > 0;
  }
}

function toRecord(row: SendPause): SendPauseRecord {
  return {
    instanceId: row.instance as unknown as string,
    code: row.code,
    message: row.message,
    messageId: row.messageId ?? null,
    pausedAt: row.pausedAt,
    resumesAt: row.resumesAt ?? null,
  };
}
