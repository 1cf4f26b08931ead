/**
 * What a file really is, from its first bytes (magic numbers), never from its name or a declared
 * type. Covers what people send through WhatsApp; anything else is a generic document.
 */
export type MediaCategory = 'image' | 'video' | 'audio' | 'document';

export interface Sniffed {
  mimeType: string;
  category: MediaCategory;
  extension: string;
}

/** Enough bytes for every signature below (ISO BMFF brands sit at offset 8). */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, at: number, s: string) => s.split('').every((c, i) => b[at + i] === c.charCodeAt(0));
const bytes = (b: Uint8Array, at: number, sig: number[]) => sig.every((v, i) => b[at + i] === v);

export function sniff(head: Uint8Array): Sniffed {
  const b = head;
  if (bytes(b, 0, [0xff, 0xd8, 0xff])) return { mimeType: 'image/jpeg', category: 'image', extension: 'jpg' };
  if (bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mimeType: 'image/png', category: 'image', extension: 'png' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { mimeType: 'image/gif', category: 'image', extension: 'gif' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { mimeType: 'image/webp', category: 'image', extension: 'webp' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { mimeType: 'audio/wav', category: 'audio', extension: 'wav' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'AVI ')) return { mimeType: 'video/x-msvideo', category: 'video', extension: 'avi' };
  if (ascii(b, 4, 'ftyp')) return isoMedia(b);
  if (bytes(b, 0, [0x1a, 0x45, 0xdf, 0xa3])) return { mimeType: 'video/webm', category: 'video', extension: 'webm' };
  if (ascii(b, 0, 'OggS')) {
    // Opus in Ogg is what WhatsApp plays as a voice note; other Ogg audio is still audio.
    return ascii(b, 28, 'OpusHead')
      ? { mimeType: 'audio/ogg; codecs=opus', category: 'audio', extension: 'ogg' }
      : { mimeType: 'audio/ogg', category: 'audio', extension: 'ogg' };
  }
  if (ascii(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe6) === 0xe2)) return { mimeType: 'audio/mpeg', category: 'audio', extension: 'mp3' };
  if (b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0) return { mimeType: 'audio/aac', category: 'audio', extension: 'aac' };
  if (ascii(b, 0, '#!AMR')) return { mimeType: 'audio/amr', category: 'audio', extension: 'amr' };
  if (ascii(b, 0, 'fLaC')) return { mimeType: 'audio/flac', category: 'audio', extension: 'flac' };
  if (ascii(b, 0, '%PDF-')) return { mimeType: 'application/pdf', category: 'document', extension: 'pdf' };
  if (bytes(b, 0, [0x50, 0x4b, 0x03, 0x04])) return { mimeType: 'application/zip', category: 'document', extension: 'zip' };
  if (bytes(b, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { mimeType: 'application/x-ole-storage', category: 'document', extension: 'doc' };
  return { mimeType: 'application/octet-stream', category: 'document', extension: 'bin' };
}

/** ISO base media (MP4 family): the major brand says whether it is audio-only (M4A) or video. */
function isoMedia(b: Uint8Array): Sniffed {
  const brand = String.fromCharCode(...b.subarray(8, 12));
  if (brand === 'M4A ' || brand === 'M4B ' || brand === 'F4A ') return { mimeType: 'audio/mp4', category: 'audio', extension: 'm4a' };
  if (brand.startsWith('3g')) return { mimeType: 'video/3gpp', category: 'video', extension: '3gp' };
  if (brand === 'qt  ') return { mimeType: 'video/quicktime', category: 'video', extension: 'mov' };
  if (brand === 'heic' || brand === 'heix' || brand === 'mif1') return { mimeType: 'image/heic', category: 'image', extension: 'heic' };
  return { mimeType: 'video/mp4', category: 'video', extension: 'mp4' };
}
