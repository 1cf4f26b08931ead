import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/**
 * What is needed to fetch and decrypt a received media message later (WhatsApp keeps the encrypted
 * blob on its media servers; we keep only the key and the path). Rows age out with `createdAt`.
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
    createdAt: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class ReceivedMedia extends ReceivedMediaSchema.class {}
ReceivedMediaSchema.setClass(ReceivedMedia);
