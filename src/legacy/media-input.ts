import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { SendMediaKind } from '../services/messaging/index.ts';
import { RestError } from './envelope.ts';

/** SUDEVWA's detection by file extension (docs/sudevwa-api.md §6.4); anything else is a document. */
const BY_EXTENSION: Record<string, SendMediaKind> = {
  '.jpg': 'IMAGE', '.jpeg': 'IMAGE', '.png': 'IMAGE', '.gif': 'IMAGE', '.webp': 'IMAGE',
  '.mp4': 'VIDEO', '.mov': 'VIDEO', '.avi': 'VIDEO', '.mkv': 'VIDEO',
  '.mp3': 'AUDIO', '.ogg': 'AUDIO', '.m4a': 'AUDIO', '.opus': 'AUDIO',
};

const BY_NAME: Record<string, SendMediaKind> = { image: 'IMAGE', video: 'VIDEO', audio: 'AUDIO', document: 'DOCUMENT' };

/** An explicit `mediaType` wins (an unknown word means document, as in SUDEVWA), else the extension decides. */
export function mediaKind(fileName: string | undefined, explicit?: string): SendMediaKind {
  if (explicit) return BY_NAME[explicit.trim().toLowerCase()] ?? 'DOCUMENT';
  return BY_EXTENSION[extname(fileName ?? '').toLowerCase()] ?? 'DOCUMENT';
}

export const kindWord = (kind: SendMediaKind): string => (kind === 'VOICE' ? 'audio' : kind.toLowerCase());

/** The file name a URL suggests (its last path segment), for the kind and for documents. */
export function urlFileName(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || undefined;
  } catch {
    return undefined;
  }
}

export interface UploadedFile {
  stream: Readable;
  fileName: string;
}

/**
 * Reads a multipart send: text fields first, then the `file` part, which is handed to `send` while
 * it is still streaming (never buffered whole). Fields after the file are not seen, so `required`
 * fields must come before it; a missing one is refused before any upload is read.
 */
export async function withUpload<T>(
  req: FastifyRequest,
  required: string,
  send: (fields: Record<string, string>, file: UploadedFile) => Promise<T>,
): Promise<T> {
  if (!req.isMultipart()) throw RestError.of(400, 'Invalid request body', 'INVALID_REQUEST', 'code=415, message=expected multipart/form-data');
  const fields: Record<string, string> = {};
  let result: { value: T } | undefined;
  const parts = req.parts();
  for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value.trim();
      continue;
    }
    if (part.fieldname !== 'file' || result) {
      part.file.resume();
      continue;
    }
    if (!fields[required]) {
      part.file.resume();
      throw RestError.of(400, `Field '${required}' is required`, 'VALIDATION_ERROR');
    }
    try {
      result = { value: await send(fields, { stream: part.file, fileName: part.filename }) };
    } finally {
      // Refused before the bytes were read (offline instance, bad recipient): drain, so the answer is not a reset.
      part.file.resume();
    }
  }
  if (result) return result.value;
  if (!fields[required]) throw RestError.of(400, `Field '${required}' is required`, 'VALIDATION_ERROR');
  throw RestError.of(400, 'File is required', 'FILE_REQUIRED', 'http: no such file');
}

type Parts = ReturnType<FastifyRequest['parts']>;

/**
 * The next part, or undefined at the end. A body that is no readable multipart form (no or a wrong
 * boundary, cut off) is the caller's input: SUDEVWA's 400 for an unreadable body, not a 500.
 * Errors with a code are @fastify/multipart's limits, which the REST error mapper answers itself.
 */
async function nextPart(parts: Parts): Promise<Awaited<ReturnType<Parts['next']>>['value'] | undefined> {
  try {
    const { value, done } = await parts.next();
    return done ? undefined : value;
  } catch (err) {
    if (!(err instanceof Error) || 'code' in err) throw err;
    throw RestError.of(400, 'Invalid request body', 'INVALID_REQUEST', `code=400, message=${err.message}`);
  }
}
