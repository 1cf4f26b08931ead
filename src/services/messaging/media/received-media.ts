import { downloadContentFromMessage, normalizeMessageContent, type MediaType, type WAMessage } from '@whiskeysockets/baileys';
import type { Readable } from 'node:stream';
import type { ReceivedMediaRecord } from '../../../db/received-media.repository.ts';

const MEDIA_CONTENT = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'ptv'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
] as const;

type MediaFields = {
  mediaKey?: Uint8Array | null;
  directPath?: string | null;
  url?: string | null;
  mimetype?: string | null;
  fileLength?: number | { toNumber(): number } | null;
  fileName?: string | null;
};

/** The keys and path of a received media message, or undefined when it carries none. */
export function mediaReferenceOf(instanceId: string, msg: WAMessage): ReceivedMediaRecord | undefined {
  const content = normalizeMessageContent(msg.message);
  const doc = content?.documentWithCaptionMessage?.message?.documentMessage;
  for (const [field, mediaType] of MEDIA_CONTENT) {
    const media = (field === 'documentMessage' ? (content?.documentMessage ?? doc) : content?.[field]) as MediaFields | null | undefined;
    if (!media?.mediaKey || (!media.directPath && !media.url)) continue;
    const length = media.fileLength;
    return {
      instanceId,
      messageId: msg.key.id!,
      mediaType,
      mimeType: media.mimetype ?? 'application/octet-stream',
      fileLength: length == null ? null : typeof length === 'number' ? length : length.toNumber(),
      fileName: media.fileName ?? null,
      mediaKey: Buffer.from(media.mediaKey),
      directPath: media.directPath ?? null,
      url: media.url ?? null,
    };
  }
  return undefined;
}

/** Fetches the encrypted blob from WhatsApp's media server and decrypts it as it streams. */
export function openMediaStream(ref: ReceivedMediaRecord): Promise<Readable> {
  return downloadContentFromMessage(
    { mediaKey: ref.mediaKey, directPath: ref.directPath ?? undefined, url: ref.url ?? undefined },
    ref.mediaType as MediaType,
  );
}
