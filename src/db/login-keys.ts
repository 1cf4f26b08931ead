import { jidDecode, type AuthenticationCreds } from '@whiskeysockets/baileys';

/** A key the store reads ahead, by type and id. */
export interface KeyRef {
  type: string;
  id: string;
}

/** How long keys read ahead wait to be asked for: a login asks within seconds, unless it failed. */
export const LOGIN_KEYS_KEPT_MS = 60_000;

/**
 * The keys Baileys (7) reads at every login of a linked account, each in a read of its own: the
 * privacy-token index (`tctoken` `__index`), the current pre-key (`nextPreKeyId - 1`, checked at
 * `success`), and for its own-LID bookkeeping at `success` the own number's LID mapping and the own
 * device's session. The store reads them together as the session starts: one statement instead of
 * four round trips per restored login. Only a guess at what comes next, never something Baileys
 * depends on: a key it does not ask for is dropped unused, one it asks for that is not here is read
 * as before.
 */
export function loginKeys(creds: AuthenticationCreds): KeyRef[] {
  const me = creds.me?.id ? jidDecode(creds.me.id) : undefined;
  if (!me?.user) return [];
  const keys: KeyRef[] = [
    { type: 'tctoken', id: '__index' },
    { type: 'lid-mapping', id: me.user },
    // libsignal's address of the device: `<user>.<device>`.
    { type: 'session', id: `${me.user}.${me.device ?? 0}` },
  ];
  if (creds.nextPreKeyId > 1) keys.push({ type: 'pre-key', id: String(creds.nextPreKeyId - 1) });
  return keys;
}
