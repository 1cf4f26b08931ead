import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import {
  aesDecryptWithIV,
  encryptedStream,
  extractMessageContent,
  getContentType,
  getMediaKeys,
  hmacSign,
  type proto,
  unixTimestampSeconds,
  type MediaType,
} from '@whiskeysockets/baileys';
import type { MediaServer } from './media-server.ts';

/**
 * Media for the sandbox's fake phones, in Baileys' own format: the phones send media a real Baileys
 * client downloads with `downloadMediaMessage`, and read media a real Baileys client uploaded.
 *
 * WhatsApp media encryption: HKDF(mediaKey, 112, info "WhatsApp <Type> Keys") gives iv, cipherKey and
 * macKey; the file is AES-256-CBC(cipherKey, iv) followed by the first 10 bytes of
 * HMAC-SHA256(macKey, iv || ciphertext). Encryption and key derivation are Baileys' exports; Baileys
 * has no exported decrypt-from-bytes (it only decrypts while downloading, and skips the MAC), so the
 * decryption here uses its AES helper and also checks the MAC and hashes, to catch a client that
 * uploads something other than what its message claims.
 */
export interface EncryptedMedia {
  /** What goes to the media server: ciphertext + 10-byte MAC. */
  encrypted: Buffer;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** The part of the media server the phones need; in-process, no HTTP. */
export type MediaBlobs = Pick<MediaServer, 'store' | 'fetch'>;

export class MediaIntegrityError extends Error {
  override name = 'MediaIntegrityError';
}

/** `kind` selects the HKDF info (image/sticker: "Image", audio/ptt: "Audio", ...), as a Baileys receiver derives it. */
export async function encryptMediaForUpload(bytes: Uint8Array, kind: MediaType): Promise<EncryptedMedia> {
  // Baileys encrypts to a temp file (it streams large media); read it back and remove it.
  const result = await encryptedStream(Buffer.from(bytes), kind);
  try {
    return {
      encrypted: await readFile(result.encFilePath),
      mediaKey: result.mediaKey,
      fileSha256: result.fileSha256,
      fileEncSha256: result.fileEncSha256,
      fileLength: result.fileLength,
    };
  } finally {
    await rm(result.encFilePath, { force: true });
  }
}

/**
 * Decrypts a downloaded blob. Checks the MAC always, and the hashes when given (a message carries
 * both), throwing `MediaIntegrityError` on any mismatch rather than returning garbage.
 */
export async function decryptDownloadedMedia(
  encryptedBytes: Uint8Array,
  mediaKey: Uint8Array,
  kind: MediaType,
  expect: { fileEncSha256?: Uint8Array | null; fileSha256?: Uint8Array | null } = {},
): Promise<Buffer> {
  const blob = Buffer.from(encryptedBytes);
  if (expect.fileEncSha256?.length && !sha256(blob).equals(Buffer.from(expect.fileEncSha256))) {
    throw new MediaIntegrityError('fileEncSha256 does not match the downloaded blob');
  }
  if (blob.length < 26 || (blob.length - 10) % 16 !== 0) {
    throw new MediaIntegrityError(`not an encrypted media blob (${blob.length} bytes)`);
  }
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, kind);
  if (!macKey) throw new Error('Baileys derived no macKey'); // typed optional, always present in getMediaKeys
  const ciphertext = blob.subarray(0, -10);
  const mac = hmacSign(Buffer.concat([iv, ciphertext]), macKey).subarray(0, 10);
  if (!timingSafeEqual(mac, blob.subarray(-10))) {
    throw new MediaIntegrityError(`media MAC mismatch (wrong mediaKey, or keys derived for another kind than "${kind}")`);
  }
  const plain = aesDecryptWithIV(ciphertext, cipherKey, iv);
  if (expect.fileSha256?.length && !sha256(plain).equals(Buffer.from(expect.fileSha256))) {
    throw new MediaIntegrityError('fileSha256 does not match the decrypted media');
  }
  return plain;
}

export interface MediaMessageInput {
  kind: MediaKind;
  bytes: Uint8Array;
  /** Defaults as in Baileys' prepareWAMessageMedia (image/jpeg, video/mp4, audio/ogg; codecs=opus, ...). */
  mimeType?: string;
  /** Documents only; Baileys' default is "file". */
  fileName?: string;
  /** Image, video and document. */
  caption?: string;
  /** Audio: a voice note. */
  ptt?: boolean;
  /** Audio and video duration. */
  seconds?: number;
  width?: number;
  height?: number;
  jpegThumbnail?: Uint8Array;
}

const DEFAULT_MIME: Record<MediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

/**
 * Encrypts, stores and describes media the way a phone's message would: the returned `proto.IMessage`
 * holds exactly one of imageMessage / videoMessage / audioMessage / documentMessage / stickerMessage.
 */
export async function buildMediaMessage(input: MediaMessageInput, media: MediaBlobs): Promise<proto.IMessage> {
  const { kind } = input;
  const enc = await encryptMediaForUpload(input.bytes, kind);
  const { url, directPath } = await media.store(kind, enc.encrypted);
  const common = {
    url,
    directPath,
    mediaKey: enc.mediaKey,
    fileSha256: enc.fileSha256,
    fileEncSha256: enc.fileEncSha256,
    fileLength: enc.fileLength,
    mimetype: input.mimeType ?? DEFAULT_MIME[kind],
    mediaKeyTimestamp: unixTimestampSeconds(),
  };
  const visual = { width: input.width, height: input.height, jpegThumbnail: input.jpegThumbnail };
  switch (kind) {
    case 'image':
      return { imageMessage: { ...common, ...visual, caption: input.caption } };
    case 'video':
      return { videoMessage: { ...common, ...visual, caption: input.caption, seconds: input.seconds } };
    case 'audio':
      return { audioMessage: { ...common, seconds: input.seconds, ptt: input.ptt ?? false } };
    case 'document':
      return { documentMessage: { ...common, fileName: input.fileName ?? 'file', caption: input.caption } };
    case 'sticker':
      return { stickerMessage: { ...common, width: input.width, height: input.height } };
  }
}

/**
 * Decrypts the media of a message a real Baileys client sent (unwrapping ephemeral / view-once /
 * document-with-caption), reading the blob straight from the media server. Throws when the message
 * has no media, the blob is unknown, or it does not match the message.
 */
export async function downloadMediaOfMessage(message: proto.IMessage, media: MediaBlobs): Promise<Buffer> {
  const content = extractMessageContent(message);
  const contentType = getContentType(content);
  const node = contentType && content ? (content[contentType] as MediaNode | null | undefined) : undefined;
  if (!contentType || !node || typeof node !== 'object' || !node.mediaKey || !(node.directPath || node.url)) {
    throw new TypeError(`message has no downloadable media (${contentType ?? 'empty'})`);
  }
  // Same mapping as Baileys' downloadMediaMessage: imageMessage -> "image", ptvMessage -> "ptv", ...
  const kind = contentType.replace(/Message$/, '') as MediaType;
  const blob = await media.fetch((node.directPath || node.url)!);
  if (!blob) throw new Error(`media not on the sandbox media server: ${node.directPath || node.url}`);
  return decryptDownloadedMedia(blob, node.mediaKey, kind, node);
}

interface MediaNode {
  url?: string | null;
  directPath?: string | null;
  mediaKey?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
  fileEncSha256?: Uint8Array | null;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
