import { proto, type AnyMessageContent } from '@whiskeysockets/baileys';
import type { MessageDetails, MessageKind } from './types.ts';

/** A stored message's key as WhatsApp names it in reactions, edits and revokes. */
export interface TargetKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
}

/** The message a reply quotes: WhatsApp carries its id, author and content along. */
export interface QuoteRef {
  id: string;
  participant: string;
  text: string | null;
}

/** Replies, mentions and the forwarded flag: the context any content may carry. */
export interface OutboundContext {
  quote?: QuoteRef;
  mentions?: string[];
  forwarded?: boolean;
}

/**
 * What the send queue stores (JSON, encrypted with the row) so a send, and a re-send after a
 * crash, builds the same message under the same id. Bytes (a poll's secret) are base64.
 */
export type OutboundContent = OutboundContext &
  (
    | { type: 'text'; text: string }
    | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
    | { type: 'contacts'; displayName: string; cards: Array<{ displayName: string; vcard: string }> }
    | { type: 'poll'; question: string; options: string[]; selectableCount: number; secret: string }
    | { type: 'reaction'; emoji: string; key: TargetKey }
    | { type: 'edit'; text: string; key: TargetKey }
    | { type: 'revoke'; key: TargetKey }
    /** A stored media message sent again as it is (keys, hashes, path): base64 of its protobuf `Message`. */
    | { type: 'media'; message: string }
  );

/** The `contextInfo` of a reply, mention or forward (Baileys merges it into the content). */
export function contextInfoOf(c: OutboundContext): proto.IContextInfo | undefined {
  const info: proto.IContextInfo = {
    ...(c.quote ? { stanzaId: c.quote.id, participant: c.quote.participant, quotedMessage: { conversation: c.quote.text ?? '' } } : {}),
    ...(c.mentions?.length ? { mentionedJid: c.mentions } : {}),
    ...(c.forwarded ? { isForwarded: true, forwardingScore: 1 } : {}),
  };
  return Object.keys(info).length ? info : undefined;
}

/** The Baileys content for a stored outbound message. */
export function toBaileysContent(c: OutboundContent): AnyMessageContent {
  const contextInfo = contextInfoOf(c);
  const context = contextInfo ? { contextInfo } : {};
  switch (c.type) {
    case 'text':
      return { text: c.text, ...context } as AnyMessageContent;
    case 'location':
      return { location: { degreesLatitude: c.latitude, degreesLongitude: c.longitude, name: c.name, address: c.address }, ...context } as AnyMessageContent;
    case 'contacts':
      return { contacts: { displayName: c.displayName, contacts: c.cards }, ...context } as AnyMessageContent;
    case 'poll':
      return { poll: { name: c.question, values: c.options, selectableCount: c.selectableCount, messageSecret: Buffer.from(c.secret, 'base64') } };
    case 'reaction':
      return { react: { text: c.emoji, key: c.key } };
    case 'edit':
      return { text: c.text, edit: c.key };
    case 'revoke':
      return { delete: c.key };
    case 'media':
      // Baileys' forward: the same media message, its context replaced by the forwarded mark.
      return { forward: { key: { remoteJid: '', fromMe: false, id: '' }, message: proto.Message.decode(Buffer.from(c.message, 'base64')) }, force: true };
  }
}

/** One send of any kind for the queue (see `SendQueue.enqueue`). */
export interface EnqueueInput {
  instanceId?: string;
  fromPhoneNumber?: string;
  /** A phone number or a JID. */
  to: string;
  kind: MessageKind;
  /** What the ledger shows as `text`. */
  text?: string | null;
  /** Omitted: a plain text of `text`. */
  outbound?: OutboundContent;
  details?: MessageDetails;
  /** What the ledger shows of a media message's file (a forwarded one). */
  media?: { kind: MessageKind; mimeType: string; size: number | null; fileName: string | null; caption: string | null };
  /** A poll's secret (base64): its votes are decrypted with it. */
  secret?: string;
  typingMs?: number;
  idempotencyKey?: string;
  /** Not before this time: SCHEDULED until then. */
  sendAt?: Date;
}

/** What a reply, mention or forward shows in the ledger. */
export function detailsOfContext(c: OutboundContext): MessageDetails {
  return {
    ...(c.quote ? { quoted: { id: c.quote.id, senderJid: c.quote.participant, text: c.quote.text } } : {}),
    ...(c.mentions?.length ? { mentions: c.mentions } : {}),
    ...(c.forwarded ? { forwarded: true } : {}),
  };
}
