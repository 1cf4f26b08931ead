import type { Connection } from './connection.ts';
import { iqResult, type Network } from './network.ts';
import { getBinaryNodeChildren, type BinaryNode } from './wa.ts';

/** A trusted-contact token a companion issued for its account (Baileys does it after a 1:1 send). */
export interface PrivacyTokenRecord {
  /** The contact it was issued to, as the companion addressed it (PN or LID jid). */
  to: string;
  /** The token's timestamp (`t`, seconds). */
  timestamp: number;
  fromDevice: number;
}

/**
 * `xmlns=privacy` `<tokens>`: WhatsApp answers with an empty result. The sandbox records each token
 * on the issuing phone, so tests can count how often a client issues them (one iq round trip each).
 */
export function onPrivacyTokensIq(net: Network, conn: Connection, iq: BinaryNode, tokens: BinaryNode): void {
  const companion = conn.companion!;
  const phone = net.directory.get(companion.phoneNumber);
  for (const token of getBinaryNodeChildren(tokens, 'token')) {
    if (phone && token.attrs.jid) phone.record(phone.privacyTokens, { to: token.attrs.jid, timestamp: Number(token.attrs.t ?? 0), fromDevice: companion.deviceId });
  }
  void conn.send(iqResult(iq));
}
