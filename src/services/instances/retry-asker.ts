import { isJidGroup, jidDecode, jidNormalizedUser } from '@whiskeysockets/baileys';

/** Baileys' LID <-> phone-number mapping (`sock.signalRepository.lidMapping`), as far as this check needs it. */
export interface LidMapping {
  getPNForLID(lid: string): Promise<string | null>;
  getLIDForPN(pn: string): Promise<string | null>;
}

/**
 * Whether a retry receipt from `asker` may be answered with a message sent to `chat`. Baileys
 * re-encrypts what `getMessage` returns for the chat the receipt names (the asking contact; for our
 * own devices, the chat WhatsApp names as the receipt's recipient) without asking whether the message
 * went there, so any contact that learned an id (from a quote, a forward, a log) could have its
 * content sent to it. The asker must be the chat: the same group, or the same user in either
 * addressing (a contact asks from its LID as often as from its number), by Baileys' mapping, or by
 * WhatsApp's directory when the mapping does not know the pair. Devices of that user all qualify.
 */
export async function mayResendTo(mapping: LidMapping, asker: string | null | undefined, chat: string): Promise<boolean> {
  const a = asker ? jidNormalizedUser(asker) : '';
  const c = jidNormalizedUser(chat);
  if (!a || !c) return false;
  if (a === c) return true;
  if (isJidGroup(a) || isJidGroup(c)) return false;
  const lid = [a, c].find(isLid);
  const pn = [a, c].find((j) => !isLid(j));
  if (!lid || !pn) return false;
  const mappedPn = await mapping.getPNForLID(lid).catch(() => null);
  if (mappedPn) return jidNormalizedUser(mappedPn) === pn;
  const mappedLid = await mapping.getLIDForPN(pn).catch(() => null);
  return !!mappedLid && jidNormalizedUser(mappedLid) === lid;
}

const isLid = (jid: string) => jidDecode(jid)?.server === 'lid';
