import { createHash } from 'node:crypto';
import { DEFAULT_CONNECTION_CONFIG, type SocketConfig } from '@whiskeysockets/baileys';
import type { InboundKeyHold } from './inbound-key-hold.ts';
import type { TtlCache } from './session-memory.ts';

type MakeSignalRepository = SocketConfig['makeSignalRepository'];

/**
 * Baileys' Signal repository, installed through its `makeSignalRepository` option (Baileys itself is
 * not patched), with one guard it lacks: a message delivered twice is decrypted once.
 *
 * WhatsApp delivers a message again when its ack did not arrive (a connection cut right after the
 * write, or before the receipt left). The second copy is byte-identical and its message key is
 * already used, so Baileys fails to decrypt it ("Key used already or never filled"), answers with a
 * retry receipt and the sender re-encrypts what was already delivered. As whatsmeow does for an old
 * counter, the copy is recognised instead: the plaintext of recent ciphertexts is kept (per account,
 * across sockets) and handed to Baileys again, which then acks it as delivered; the session's
 * seen-ids filter keeps it from being reported twice. Each decryption runs under `hold`, which keeps
 * its key writes back until the ledger stored the message (see InboundKeyHold).
 */
export function guardedSignalRepository(options: { decrypted: TtlCache; hold: InboundKeyHold }): MakeSignalRepository {
  return (auth, logger, pnToLid) => {
    const repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository(auth, logger, pnToLid);
    return {
      ...repository,
      async decryptMessage(opts) {
        const digest = createHash('sha256').update(opts.jid).update('\u0000').update(opts.type).update('\u0000').update(opts.ciphertext).digest('base64');
        const seen = options.decrypted.get<Uint8Array>(digest);
        if (seen) {
          logger.debug({ jid: opts.jid }, 'message delivered again; reusing its plaintext');
          return seen;
        }
        const plaintext = await options.hold.decrypting(() => repository.decryptMessage(opts));
        options.decrypted.set(digest, plaintext);
        return plaintext;
      },
      decryptGroupMessage: (opts) => options.hold.decrypting(() => repository.decryptGroupMessage(opts)),
      processSenderKeyDistributionMessage: (opts) => options.hold.decrypting(() => repository.processSenderKeyDistributionMessage(opts)),
    };
  };
}
