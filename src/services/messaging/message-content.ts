import { proto, type WAMessage } from '@whiskeysockets/baileys';
import type { MessageDetails } from './types.ts';

/** Long (protobuf int64) or number → number. */
const num = (v: unknown): number | null => (v == null ? null : typeof v === 'number' ? v : Number(String(v)));

/** Phone numbers of a vCard's TEL lines (`waid=` when WhatsApp put it there, else the digits). */
export function vcardPhoneNumbers(vcard: string): string[] {
  const out: string[] = [];
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL/i.test(line)) continue;
    const waid = /waid=(\d+)/i.exec(line)?.[1];
    const digits = waid ?? line.slice(line.lastIndexOf(':') + 1).replace(/\D/g, '');
    if (digits) out.push(digits);
  }
  return out;
}

/** `FN:` of a vCard. */
const vcardName = (vcard: string) => /^FN[^:]*:(.*)$/im.exec(vcard)?.[1]?.trim() ?? null;

/** What the content's `contextInfo` says: the quoted message, mentions, forwarded. */
function contextOf(content: proto.IMessage): proto.IContextInfo | undefined {
  for (const value of Object.values(content)) {
    const info = (value as { contextInfo?: proto.IContextInfo } | null)?.contextInfo;
    if (info) return info;
  }
  return undefined;
}

/** Text of a quoted message, as far as WhatsApp sent it along. */
function quotedText(m: proto.IMessage | null | undefined): string | null {
  if (!m) return null;
  return m.conversation ?? m.extendedTextMessage?.text ?? m.imageMessage?.caption ?? m.videoMessage?.caption ?? m.documentMessage?.caption ?? null;
}

/**
 * The content of every kind a message can carry, from the unwrapped content (`content`, after
 * `normalizeMessageContent`) and the wrappers around it (`raw`): view-once and ephemeral are
 * unwrapped but remembered.
 */
export function detailsOf(raw: proto.IMessage, content: proto.IMessage): MessageDetails {
  const d: MessageDetails = {};
  const loc = content.locationMessage ?? content.liveLocationMessage;
  if (loc) {
    d.location = {
      latitude: num(loc.degreesLatitude) ?? 0,
      longitude: num(loc.degreesLongitude) ?? 0,
      name: (content.locationMessage?.name ?? null) || null,
      address: (content.locationMessage?.address ?? null) || null,
      live: !!content.liveLocationMessage || !!content.locationMessage?.isLive,
    };
  }
  const cards = content.contactMessage ? [content.contactMessage] : (content.contactsArrayMessage?.contacts ?? []);
  if (cards.length) {
    d.contacts = cards.map((c) => ({
      displayName: c.displayName ?? vcardName(c.vcard ?? '') ?? '',
      vcard: c.vcard ?? '',
      phoneNumbers: vcardPhoneNumbers(c.vcard ?? ''),
    }));
  }
  if (content.reactionMessage?.key?.id) {
    d.reaction = { emoji: content.reactionMessage.text ?? '', targetId: content.reactionMessage.key.id };
  }
  const poll = content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3;
  if (poll) {
    d.poll = {
      question: poll.name ?? '',
      options: (poll.options ?? []).map((o) => o.optionName ?? ''),
      selectableCount: poll.selectableOptionsCount ?? 0,
    };
  }
  const ctx = contextOf(content);
  if (ctx?.stanzaId) d.quoted = { id: ctx.stanzaId, senderJid: ctx.participant ?? null, text: quotedText(ctx.quotedMessage) };
  if (ctx?.mentionedJid?.length) d.mentions = [...ctx.mentionedJid];
  if (ctx?.isForwarded) d.forwarded = true;
  if (raw.viewOnceMessage || raw.viewOnceMessageV2 || raw.viewOnceMessageV2Extension || content.imageMessage?.viewOnce || content.videoMessage?.viewOnce) d.viewOnce = true;
  if (raw.ephemeralMessage || (ctx?.expiration ?? 0) > 0) d.ephemeral = true;
  return d;
}

/** The poll's secret (its votes are encrypted with it), base64: WhatsApp puts it beside the content. */
export function messageSecretOf(raw: proto.IMessage): string | null {
  const wrappers = [raw, raw.ephemeralMessage?.message, raw.viewOnceMessage?.message, raw.viewOnceMessageV2?.message];
  for (const m of wrappers) {
    const secret = m?.messageContextInfo?.messageSecret;
    if (secret?.length) return Buffer.from(secret).toString('base64');
  }
  return null;
}

/** Edits, deletes and poll votes change a stored message instead of being one. */
export type MessageChange =
  | { kind: 'edit'; targetId: string; text: string | null; at: Date }
  | { kind: 'revoke'; targetId: string; at: Date }
  | { kind: 'pollVote'; targetId: string; encPayload: Uint8Array; encIv: Uint8Array; at: Date };

/** The change a protocol or poll-update message makes, or undefined when it is none of those. */
export function changeOf(msg: WAMessage, content: proto.IMessage): MessageChange | undefined {
  const at = new Date((num(msg.messageTimestamp) ?? Math.floor(Date.now() / 1000)) * 1000);
  const protocol = content.protocolMessage;
  const targetId = protocol?.key?.id;
  if (protocol && targetId) {
    if (protocol.type === proto.Message.ProtocolMessage.Type.REVOKE) return { kind: 'revoke', targetId, at };
    if (protocol.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
      const edited = protocol.editedMessage ?? {};
      const text = quotedText(edited);
      return { kind: 'edit', targetId, text, at: protocol.timestampMs ? new Date(num(protocol.timestampMs)!) : at };
    }
  }
  const vote = content.pollUpdateMessage;
  if (vote?.pollCreationMessageKey?.id && vote.vote?.encPayload && vote.vote.encIv) {
    return { kind: 'pollVote', targetId: vote.pollCreationMessageKey.id, encPayload: vote.vote.encPayload, encIv: vote.vote.encIv, at };
  }
  return undefined;
}
