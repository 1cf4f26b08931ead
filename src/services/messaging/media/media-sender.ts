import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import { DomainError, validationFailed } from '../../shared/index.ts';
import { sniff, type MediaCategory, type Sniffed } from './sniff.ts';
import { stageStream, stageUrl, type StagedFile, type UrlOptions } from './media-source.ts';

export type SendMediaKind = 'IMAGE' | 'VIDEO' | 'AUDIO' | 'VOICE' | 'DOCUMENT' | 'STICKER';

export interface MediaSource {
  url?: string;
  /** An upload, streamed: never buffered whole. */
  stream?: Readable;
  fileName?: string;
}

export interface MediaLimits {
  image: number;
  video: number;
  audio: number;
  document: number;
}

export interface MediaOptions {
  tmpDir: string;
  limits: MediaLimits;
  url: UrlOptions;
}

const CATEGORY: Record<SendMediaKind, MediaCategory> = { IMAGE: 'image', VIDEO: 'video', AUDIO: 'audio', VOICE: 'audio', DOCUMENT: 'document', STICKER: 'image' };
const CAPTIONED = new Set<SendMediaKind>(['IMAGE', 'VIDEO', 'DOCUMENT']);

export function checkMediaInput(kind: SendMediaKind, source: MediaSource, caption: string | undefined, fileName: string | undefined): void {
  if (!CATEGORY[kind]) throw validationFailed('kind must be one of IMAGE, VIDEO, AUDIO, VOICE, DOCUMENT, STICKER', { field: 'kind' });
  if (!!source.url === !!source.stream) throw validationFailed('give exactly one of url or file', { field: 'url' });
  if (caption !== undefined && caption !== null && caption !== '' && !CAPTIONED.has(kind)) {
    throw validationFailed('captions go with IMAGE, VIDEO and DOCUMENT only', { field: 'caption' });
  }
  if (caption && caption.length > 4096) throw validationFailed('caption must be at most 4096 characters', { field: 'caption' });
  if (fileName && (fileName.length > 255 || /[/\\\0]/.test(fileName))) throw validationFailed('fileName must be a plain name of at most 255 characters', { field: 'fileName' });
}

/** Streams the media to a temp file within the kind's size limit. */
export function stageMedia(kind: SendMediaKind, source: MediaSource, options: MediaOptions): Promise<StagedFile> {
  const category = CATEGORY[kind];
  const limit = options.limits[category === 'document' ? 'document' : category];
  return source.url
    ? stageUrl(source.url, options.tmpDir, limit, options.url)
    : stageStream(source.stream!, options.tmpDir, limit, source.fileName);
}

/** The bytes decide the type; a declared kind or mime type that contradicts them is refused. */
export function resolveMediaType(kind: SendMediaKind, staged: StagedFile, declaredMime: string | undefined): Sniffed & { mimeType: string } {
  const found = sniff(staged.head);
  const expected = CATEGORY[kind];
  if (expected !== 'document' && found.category !== expected) {
    throw new DomainError('MEDIA_TYPE_MISMATCH', `the file is ${found.mimeType}, not ${expected === 'audio' ? 'audio' : `a ${expected}`}`, { kind, detected: found.mimeType });
  }
  if (kind === 'VOICE' && found.mimeType !== 'audio/ogg; codecs=opus') {
    throw new DomainError('MEDIA_TYPE_MISMATCH', `voice notes must be Ogg/Opus audio; the file is ${found.mimeType} (send it as AUDIO instead)`, { kind, detected: found.mimeType });
  }
  if (kind === 'STICKER' && found.mimeType !== 'image/webp') {
    throw new DomainError('MEDIA_TYPE_MISMATCH', `stickers must be WebP images; the file is ${found.mimeType}`, { kind, detected: found.mimeType });
  }
  const declared = declaredMime?.trim().toLowerCase();
  if (declared && expected !== 'document' && !declared.startsWith(`${expected}/`)) {
    throw new DomainError('MEDIA_TYPE_MISMATCH', `mimeType ${declared} contradicts the file, which is ${found.mimeType}`, { kind, detected: found.mimeType });
  }
  // A document's declared type is kept (a .docx sniffs as zip); media types come from the bytes.
  return { ...found, mimeType: expected === 'document' && declared ? declared : found.mimeType };
}

export function buildMediaContent(kind: SendMediaKind, staged: Pick<StagedFile, 'path' | 'suggestedName'>, type: Sniffed, caption?: string, fileName?: string): AnyMessageContent {
  const media = { stream: createReadStream(staged.path) };
  const text = caption || undefined;
  switch (kind) {
    case 'IMAGE':
      return { image: media, caption: text, mimetype: type.mimeType };
    case 'VIDEO':
      return { video: media, caption: text, mimetype: type.mimeType };
    case 'AUDIO':
      return { audio: media, mimetype: type.mimeType };
    case 'VOICE':
      return { audio: media, mimetype: type.mimeType, ptt: true };
    case 'DOCUMENT':
      return { document: media, mimetype: type.mimeType, fileName: fileName || staged.suggestedName || `file.${type.extension}`, caption: text };
    case 'STICKER':
      return { sticker: media, mimetype: type.mimeType };
  }
}
