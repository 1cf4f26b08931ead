import { isEncrypted, type AuthValueCodec } from './auth-value.codec.ts';
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
  /** The media message as WhatsApp carried it (an encoded protobuf `Message`); null for older rows. */
  message: Uint8Array | null;
}

export class ReceivedMediaRepository {
  private readonly orm: Orm;
  private readonly codec: AuthValueCodec;
  /** `codec` encrypts the media key at rest (whoever holds it and the path can fetch and decrypt the file). */
  constructor(orm: Orm, codec: AuthValueCodec) {
    this.orm = orm;
    this.codec = codec;
  }

  /** Idempotent: WhatsApp may deliver the same message twice. */
  async save(record: ReceivedMediaRecord): Promise<void> {
    const em = this.orm.em.fork();
    const { instanceId, mediaKey, message, ...columns } = record;
    const encoded = { mediaKey: this.codec.encode(mediaKey), message: message ? this.codec.encode(message) : null };
    await em.upsert(ReceivedMedia, { ...columns, ...encoded, instance: instanceId, createdAt: new Date() }, {
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
      // Rows from before encryption at rest hold the bare key; they age out within the retention time.
      mediaKey: isEncrypted(row.mediaKey) ? Buffer.from(this.codec.decode(row.mediaKey) as Uint8Array) : Buffer.from(row.mediaKey),
      directPath: row.directPath ?? null,
      url: row.url ?? null,
      message: row.message ? Buffer.from(this.codec.decode(row.message) as Uint8Array) : null,
    };
  }

  /** WhatsApp's media links expire after some weeks; older references are useless. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return this.orm.em.fork().nativeDelete(ReceivedMedia, { createdAt: { $lt: cutoff } });
  }
}
