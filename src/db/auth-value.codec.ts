import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BufferJSON } from '@whiskeysockets/baileys';

/**
 * How Baileys auth values (creds and Signal keys) become bytes in the database. Kept behind this
 * seam so encryption at rest can wrap it without touching the store or the schema.
 */
export type AuthValueCodec = {
  encode(value: unknown): Buffer;
  decode(bytes: Uint8Array): unknown;
  /**
   * The same with the value's JSON text (Baileys' form, `toJson`): the creds store compares that
   * text with what it last stored, and encoding the value again would stringify it twice.
   */
  encodeJson(json: string): Buffer;
  decodeJson(bytes: Uint8Array): string;
};

/** A value as the codecs store it: Baileys' JSON, Buffers and Uint8Arrays as `{ type: 'Buffer', data: base64 }`. */
export const toJson = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const fromJson = (json: string): unknown => JSON.parse(json, BufferJSON.reviver);

/**
 * `toJson` of a Signal session record (libsignal's `serialize()`: strings and numbers only), the
 * same text made without Baileys' replacer: JSON.stringify calls a replacer for every value and
 * leaves its fast path for it, and a session is written at every send and every received message
 * (≈ 1 % of a PostgreSQL send's CPU was this JSON). Should a record hold bytes after all, they
 * show in the text and the value takes the replacer's way.
 */
export function sessionJson(value: unknown): string {
  if (value instanceof Uint8Array) return toJson(value);
  const json = JSON.stringify(value);
  // A Buffer inside shows as its toJSON's `"type":"Buffer"`, any other Uint8Array as `{"0":…`.
  return json.includes('"type":"Buffer"') || json.includes('{"0":') ? toJson(value) : json;
}
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/** Baileys' own JSON form, as UTF-8. */
export const bufferJsonCodec: AuthValueCodec = {
  encode: (value) => Buffer.from(toJson(value), 'utf8'),
  decode: (bytes) => fromJson(utf8(bytes)),
  encodeJson: (json) => Buffer.from(json, 'utf8'),
  decodeJson: utf8,
};

const MAGIC = Buffer.from('WMX1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const IV_POOL_BYTES = IV_BYTES * 512;

/**
 * Random IVs taken from a pool refilled from the CSPRNG 512 at a time: every Signal key write and
 * every ledger row is encoded, and one `randomBytes` call per value was ≈ 1.4 % of the gateway's CPU
 * draining a backlog on PGlite. Each IV is still 96 fresh random bits, used once.
 */
class IvPool {
  #pool = Buffer.alloc(0);
  #at = 0;

  next(): Buffer {
    if (this.#at + IV_BYTES > this.#pool.length) {
      this.#pool = randomBytes(IV_POOL_BYTES);
      this.#at = 0;
    }
    const iv = this.#pool.subarray(this.#at, this.#at + IV_BYTES);
    this.#at += IV_BYTES;
    return iv;
  }
}

export const isEncrypted = (bytes: Uint8Array) => bytes.length > MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);

/**
 * AES-256-GCM around another codec: `WMX1 | iv | tag | ciphertext`. A database dump alone then
 * holds nothing that can take over an account. Rows written before encryption was turned on are
 * still read (they lack the marker) and get rewritten encrypted by `encryptLegacyAuthRows`.
 */
export function encryptedCodec(key: Buffer, inner: AuthValueCodec = bufferJsonCodec): AuthValueCodec {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  const ivs = new IvPool();
  const seal = (plain: Buffer) => {
    const iv = ivs.next();
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  };
  const open = (bytes: Uint8Array) => {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const iv = buf.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = buf.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(buf.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
  };
  return {
    encode: (value) => seal(inner.encode(value)),
    decode: (bytes) => inner.decode(isEncrypted(bytes) ? open(bytes) : bytes),
    encodeJson: (json) => seal(inner.encodeJson(json)),
    decodeJson: (bytes) => inner.decodeJson(isEncrypted(bytes) ? open(bytes) : bytes),
  };
}
