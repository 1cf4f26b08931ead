import type { Orm } from './orm.ts';
import { ReceivedMedia } from './received-media.entity.ts';

export interface ReceivedMediaRecord {
  instanceId: string;
  messageId: string;
  mediaType: string;
  mimeType: string;
  fileLength: number | null;
  fileName: string | null;
  mediaKey: Buffer;
  directPath: string | null;
  url: string | null;
}

export class ReceivedMediaRepository {
  private readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** Idempotent: WhatsApp may deliver the same message twice. */
  async save(record: ReceivedMediaRecord): Promise<void> {
    const em = this.orm.em.fork();
    const { instanceId, ...columns } = record;
    await em.upsert(ReceivedMedia, { ...columns, instance: instanceId, createdAt: new Date() }, {
      onConflictFields: ['instance', 'messageId'],
      onConflictAction: 'ignore',
    });
  }

  async find(instanceId: string, messageId: string): Promise<ReceivedMediaRecord | null> {
    const row = await this.orm.em.fork().findOne(ReceivedMedia, { instance: instanceId, messageId });
    if (!row) return null;
    return {
      instanceId,
      messageId: row.messageId,
      mediaType: row.mediaType,
      mimeType: row.mimeType,
      fileLength: row.fileLength ?? null,
      fileName: row.fileName ?? null,
      mediaKey: Buffer.from(row.mediaKey),
      directPath: row.directPath ?? null,
      url: row.url ?? null,
    };
  }

  /** WhatsApp's media links expire after some weeks; older references are useless. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return this.orm.em.fork().nativeDelete(ReceivedMedia, { createdAt: { $lt: cutoff } });
  }
}
