import { SenderKeyMessage } from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { describe, expect, it } from 'vitest';
import { SenderKeys } from '../../src/sandbox/sender-keys.ts';

// A phone's group sender keys against a companion's (both Baileys' group cipher). The cipher steps
// the sender's chain before it decrypts; a decrypt that fails must leave the phone's record as it
// was, or the real message (or its re-sent copy) finds its key spent: "old counter".
const GROUP = '120363000000000001@g.us';
const COMPANION = '100000000000002_1.7';
const read = (b: Uint8Array) => new TextDecoder().decode(b);

describe('a sandbox phone keeps its sender keys when a group decrypt fails', () => {
  it('a signed message that does not decrypt does not spend the key of the next one', async () => {
    const companion = new SenderKeys();
    const phone = new SenderKeys();
    const first = await companion.encrypt(GROUP, COMPANION, Buffer.from('first'));
    await phone.process(GROUP, COMPANION, first.skdm);
    expect(read(await phone.decrypt(GROUP, COMPANION, first.ciphertext))).toBe('first');
    const real = await companion.encrypt(GROUP, COMPANION, Buffer.from('second'));
    // The same key id, iteration and signature key as the real one, with a ciphertext that does not decrypt.
    const parsed = new SenderKeyMessage(null, null, null, null, Buffer.from(real.ciphertext));
    const [state] = Object.values(companion.toState())[0]!;
    const forged = new SenderKeyMessage(parsed.getKeyId(), parsed.getIteration(), Buffer.alloc(32, 7), state!.senderSigningKey.private).serialize();
    await expect(phone.decrypt(GROUP, COMPANION, forged)).rejects.toThrow();
    expect(read(await phone.decrypt(GROUP, COMPANION, real.ciphertext))).toBe('second');
  });
});
