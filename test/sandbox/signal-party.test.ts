import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SignalParty } from '../../src/sandbox/signal-party.ts';

const { PreKeyWhisperMessage } = createRequire(import.meta.url)('libsignal/src/protobufs.js') as {
  PreKeyWhisperMessage: { decode(b: Buffer): { message: Buffer }; encode(m: unknown): { finish(): Uint8Array } };
};

// A fake phone's Signal party against another full party playing the companion (both libsignal, as
// Baileys is). Every Signal client commits a session only when a message decrypted: a failed attempt
// must leave the phone's sessions as they were, or the next good message fails too.
const PHONE = '100000000000001_1.0';
const DEVICE = '100000000000002_1.7';
const text = (s: string) => Buffer.from(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

/** The ciphertext with its message's MAC broken (inside the pre-key envelope for a `pkmsg`). */
function damage(type: string, ciphertext: Buffer): Buffer {
  if (type === 'msg') {
    const copy = Buffer.from(ciphertext);
    copy[copy.length - 1]! ^= 0xff;
    return copy;
  }
  const envelope = PreKeyWhisperMessage.decode(ciphertext.subarray(1));
  envelope.message = damage('msg', Buffer.from(envelope.message));
  return Buffer.concat([ciphertext.subarray(0, 1), PreKeyWhisperMessage.encode(envelope).finish()]);
}

/** A companion with a session the phone has answered on, so its messages are plain `msg`s. */
async function answered() {
  const phone = new SignalParty();
  const device = new SignalParty();
  const first = await device.encrypt(PHONE, text('hello'), () => phone.takeBundle());
  expect(first.type).toBe('pkmsg');
  await phone.decrypt(DEVICE, first.type, first.ciphertext);
  const reply = await phone.encrypt(DEVICE, text('hello back'));
  expect(read(await device.decrypt(PHONE, reply.type, reply.ciphertext))).toBe('hello back');
  return { phone, device };
}

describe('a sandbox phone keeps its sessions when a decrypt fails', () => {
  it('a damaged copy of a message does not spoil the message itself', async () => {
    const { phone, device } = await answered();
    const sent = await device.encrypt(PHONE, text('after the reply'));
    expect(sent.type).toBe('msg');
    await expect(phone.decrypt(DEVICE, sent.type, damage(sent.type, sent.ciphertext))).rejects.toThrow(/Bad MAC/);
    expect(read(await phone.decrypt(DEVICE, sent.type, sent.ciphertext))).toBe('after the reply');
  });

  it('a damaged copy of a message that starts a new session does not spoil it', async () => {
    const { phone, device } = await answered();
    await device.startSession(PHONE, phone.takeBundle());
    const sent = await device.encrypt(PHONE, text('on a new session'));
    expect(sent.type).toBe('pkmsg');
    await expect(phone.decrypt(DEVICE, sent.type, damage(sent.type, sent.ciphertext))).rejects.toThrow(/Bad MAC/);
    expect(read(await phone.decrypt(DEVICE, sent.type, sent.ciphertext))).toBe('on a new session');
  });

  it('a late message on an older session does not spoil the newer one it was tried on first', async () => {
    const { phone, device } = await answered();
    const late = await device.encrypt(PHONE, text('sealed on the first session'));
    expect(late.type).toBe('msg');
    // The companion starts a new session (as Baileys does after a forced key fetch) and uses it.
    await device.startSession(PHONE, phone.takeBundle());
    const fresh = await device.encrypt(PHONE, text('on the new session'));
    expect(fresh.type).toBe('pkmsg');
    expect(read(await phone.decrypt(DEVICE, fresh.type, fresh.ciphertext))).toBe('on the new session');
    // The late one is tried on the newest session first, then decrypts on its own.
    expect(read(await phone.decrypt(DEVICE, late.type, late.ciphertext))).toBe('sealed on the first session');
    const next = await device.encrypt(PHONE, text('the new session goes on'));
    expect(read(await phone.decrypt(DEVICE, next.type, next.ciphertext))).toBe('the new session goes on');
  });
});
