import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/**
 * What is needed to fetch and decrypt a media message later, received or sent (WhatsApp keeps the
 * encrypted blob on its media servers; we keep only the key and the path). Rows age out with `createdAt`.
 */
export const ReceivedMediaSchema = defineEntity({
  name: 'ReceivedMedia',
  tableName: 'received_media',
  primaryKeys: ['instance', 'messageId'],
  properties: {
    instance: () => p.manyToOne(Instance).primary().mapToPk().deleteRule('cascade'),
    messageId: p.string().primary(),
    /** Baileys' media type (image, video, audio, document, sticker, ptv …): selects the HKDF keys. */
    mediaType: p.string(),
    mimeType: p.string(),
    fileLength: p.bigint('number').nullable(),
    fileName: p.text().nullable(),
    mediaKey: p.blob(),
    directPath: p.text().nullable(),
    url: p.text().nullable(),
    /**
     * The media message itself (a protobuf `Message` holding only its media field: keys, hashes,
     * path, size, thumbnail), encrypted at rest: a forward sends it again, as WhatsApp clients do,
     * without downloading and uploading the file. Null for rows stored before it was kept.
     */
    message: p.blob().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class ReceivedMedia extends ReceivedMediaSchema.class {}
ReceivedMediaSchema.setClass(ReceivedMedia);
