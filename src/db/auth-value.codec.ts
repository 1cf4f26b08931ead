import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BufferJSON } from '@whiskeysockets/baileys';

/**
 * How Baileys auth values (creds and Signal keys) become bytes in the database. Kept behind this
 * seam so encryption at rest can wrap it without touching the store or the schema.
 */
export type AuthValueCodec = {
  encode(value: unknown): Buffer;
  decode(bytes: Uint8Array): unknown;
};

/** Baileys' own JSON form: Buffers and Uint8Arrays become `{ type: 'Buffer', data: base64 }`. */
export const bufferJsonCodec: AuthValueCodec = {
  encode: (value) => Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8'),
  decode: (bytes) =>
    JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), BufferJSON.reviver),
};

const MAGIC = Buffer.from('WMX1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const isEncrypted = (bytes: Uint8Array) => bytes.length > MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);

/**
 * AES-256-GCM around another codec: `WMX1 | iv | tag | ciphertext`. A database dump alone then
 * holds nothing that can take over an account. Rows written before encryption was turned on are
 * still read (they lack the marker) and get rewritten encrypted by `encryptLegacyAuthRows`.
 */
export function encryptedCodec(key: Buffer, inner: AuthValueCodec = bufferJsonCodec): AuthValueCodec {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  return {
    encode(value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(inner.encode(value)), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    decode(bytes) {
      if (!isEncrypted(bytes)) return inner.decode(bytes);
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const iv = buf.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
      const tag = buf.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return inner.decode(Buffer.concat([decipher.update(buf.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]));
    },
  };
}
