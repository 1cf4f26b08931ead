import { randomBytes } from 'node:crypto';

/** Random payloads behind real magic numbers: byte-exact round trips prove the whole path. */
export function oggOpus(size: number): Buffer {
  const head = Buffer.alloc(28);
  head.write('OggS', 0);
  head[5] = 2; // beginning of stream
  head[26] = 1; // one segment
  head[27] = 19; // OpusHead packet length
  return Buffer.concat([head, Buffer.from('OpusHead'), randomBytes(size)]);
}

export const mediaSamples = {
  IMAGE: () => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(30_000)]), mimeType: 'image/jpeg' }),
  VIDEO: () => ({ bytes: Buffer.concat([Buffer.from('000000186674797069736f6d', 'hex'), randomBytes(200_000)]), mimeType: 'video/mp4' }),
  AUDIO: () => ({ bytes: Buffer.concat([Buffer.from('ID3'), randomBytes(50_000)]), mimeType: 'audio/mpeg' }),
  VOICE: () => ({ bytes: oggOpus(20_000), mimeType: 'audio/ogg; codecs=opus' }),
  DOCUMENT: () => ({ bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(80_000)]), mimeType: 'application/pdf' }),
  STICKER: () => {
    const body = randomBytes(20_000);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(body.length + 4);
    return { bytes: Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), body]), mimeType: 'image/webp' };
  },
};

/** A real (decodable) 16x12 PNG: what an image library (sharp, in Baileys' profile pictures) must be able to read. */
export const decodablePng = () =>
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAMCAIAAADkharWAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAGElEQVQokWM4YGBAEmIY1WAwGkoHsIUBAIzU2AFhIG8nAAAAAElFTkSuQmCC', 'base64');
