import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Phone } from './accounts.ts';
import { SandboxError } from './errors.ts';
import { memberJid, type Group } from './groups.ts';
import { aesEncryptGCM, hmacSign, proto, sha256 } from './wa.ts';

/**
 * Typed message kinds a phone can send through the control API, built the way WhatsApp clients
 * build them (Baileys' `generateWAMessageContent` is the reference): a location, contact cards, a
 * poll with its secret, a reaction, an edit or a revoke (protocol messages), an encrypted poll vote,
 * and text that quotes or mentions.
 */
const phoneNumber = z.union([z.string(), z.number()]).transform(String);
export const kindBodies = [
  z.object({
    to: z.string().min(1),
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().optional(), address: z.string().optional(), live: z.boolean().optional() }),
  }),
  z.object({
    to: z.string().min(1),
    contacts: z.array(z.object({ displayName: z.string().min(1), phoneNumbers: z.array(phoneNumber).min(1) })).min(1),
  }),
  z.object({
    to: z.string().min(1),
    poll: z.object({ question: z.string().min(1), options: z.array(z.string().min(1)).min(2).max(12), selectableCount: z.number().int().min(0).optional() }),
  }),
  z.object({ to: z.string().min(1), reaction: z.object({ messageId: z.string().min(1), emoji: z.string() }) }),
  z.object({ to: z.string().min(1), edit: z.object({ messageId: z.string().min(1), text: z.string().min(1) }) }),
  z.object({ to: z.string().min(1), revoke: z.object({ messageId: z.string().min(1) }) }),
  z.object({ to: z.string().min(1), vote: z.object({ messageId: z.string().min(1), options: z.array(z.string()) }) }),
  z.object({
    to: z.string().min(1),
    reply: z.object({ text: z.string().min(1), quote: z.string().optional(), mentions: z.array(z.string()).optional(), forwarded: z.boolean().optional() }),
  }),
] as const;

export type KindBody = z.infer<(typeof kindBodies)[number]>;

const vcard = (c: { displayName: string; phoneNumbers: string[] }) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `FN:${c.displayName}`, ...c.phoneNumbers.map((n) => `TEL;type=CELL;waid=${n.replace(/\D/g, '')}:+${n.replace(/\D/g, '')}`), 'END:VCARD'].join('\n');

/** Where a typed message goes: a direct chat with `peer`, or a group. */
export type KindChat = { jid: string; peer?: Phone; group?: Group };

/** The key of a message the phone has seen in the chat: one it received, or one it sent. */
function keyOf(phone: Phone, chat: KindChat, messageId: string): proto.IMessageKey {
  const received = phone.inbox.find((m) => m.id === messageId);
  if (received) return { remoteJid: chat.jid, fromMe: false, id: messageId, ...(received.participant ? { participant: received.participant } : {}) };
  if (phone.sent.has(messageId)) return { remoteJid: chat.jid, fromMe: true, id: messageId };
  throw new SandboxError('UNKNOWN_MESSAGE', `${phone.phoneNumber} has no message ${messageId}`, 404);
}

/** The message content a typed body stands for, from `phone` into `chat`. */
export function buildKindMessage(phone: Phone, chat: KindChat, body: KindBody): proto.IMessage {
  if ('location' in body) {
    const { latitude, longitude, name, address, live } = body.location;
    return live ? { liveLocationMessage: { degreesLatitude: latitude, degreesLongitude: longitude } } : { locationMessage: { degreesLatitude: latitude, degreesLongitude: longitude, name, address } };
  }
  if ('contacts' in body) {
    const cards = body.contacts.map((c) => ({ displayName: c.displayName, vcard: vcard(c) }));
    return cards.length === 1 ? { contactMessage: cards[0] } : { contactsArrayMessage: { displayName: `${cards.length} contacts`, contacts: cards } };
  }
  if ('poll' in body) {
    const { question, options, selectableCount = 0 } = body.poll;
    const creation = { name: question, options: options.map((optionName) => ({ optionName })), selectableOptionsCount: selectableCount };
    return { messageContextInfo: { messageSecret: randomBytes(32) }, ...(selectableCount === 1 ? { pollCreationMessageV3: creation } : { pollCreationMessage: creation }) };
  }
  if ('reaction' in body) {
    return { reactionMessage: { key: keyOf(phone, chat, body.reaction.messageId), text: body.reaction.emoji, senderTimestampMs: Date.now() } };
  }
  if ('edit' in body) {
    ownMessage(phone, body.edit.messageId);
    return {
      protocolMessage: {
        key: { remoteJid: chat.jid, fromMe: true, id: body.edit.messageId },
        type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
        editedMessage: { conversation: body.edit.text },
        timestampMs: Date.now(),
      },
    };
  }
  if ('revoke' in body) {
    ownMessage(phone, body.revoke.messageId);
    return { protocolMessage: { key: { remoteJid: chat.jid, fromMe: true, id: body.revoke.messageId }, type: proto.Message.ProtocolMessage.Type.REVOKE } };
  }
  if ('vote' in body) return pollVote(phone, chat, body.vote.messageId, body.vote.options);
  const { text, quote, mentions, forwarded } = body.reply;
  const quoted = quote ? phone.inbox.find((m) => m.id === quote) : undefined;
  const contextInfo: proto.IContextInfo = {
    ...(quote
      ? { stanzaId: quote, participant: quoted ? (quoted.participant ?? chat.peer?.jid ?? chat.jid) : chat.group ? memberJid(chat.group, phone) : phone.jid, quotedMessage: (quoted?.message as proto.IMessage | undefined) ?? (phone.sent.get(quote)?.message as proto.IMessage | undefined) ?? { conversation: '' } }
      : {}),
    ...(mentions?.length ? { mentionedJid: mentions } : {}),
    ...(forwarded ? { isForwarded: true, forwardingScore: 1 } : {}),
  };
  return { extendedTextMessage: { text, contextInfo } };
}

function ownMessage(phone: Phone, id: string): void {
  if (!phone.sent.has(id)) throw new SandboxError('NOT_YOUR_MESSAGE', `${phone.phoneNumber} did not send message ${id}`, 403);
}

/**
 * A vote on a poll the phone received: the selected options' SHA-256 hashes, encrypted with a key
 * derived from the poll's secret, the poll id and both JIDs (Baileys' `decryptPollVote`, reversed).
 */
function pollVote(phone: Phone, chat: KindChat, pollId: string, options: string[]): proto.IMessage {
  const poll = phone.inbox.find((m) => m.id === pollId);
  const content = poll?.message as proto.IMessage | undefined;
  const secret = content?.messageContextInfo?.messageSecret;
  const creation = content?.pollCreationMessage ?? content?.pollCreationMessageV2 ?? content?.pollCreationMessageV3;
  if (!poll || !creation || !secret?.length) throw new SandboxError('NOT_A_POLL', `${phone.phoneNumber} has no poll ${pollId} with a secret`, 404);
  const names = (creation.options ?? []).map((o) => o.optionName ?? '');
  const unknown = options.filter((o) => !names.includes(o));
  if (unknown.length) throw new SandboxError('UNKNOWN_OPTION', `not options of poll ${pollId}: ${unknown.join(', ')}`);
  // The JIDs the chat knows creator and voter by: in a LID-addressed group, their LIDs.
  const creatorJid = poll.participant ?? chat.peer?.jid ?? chat.jid;
  const voterJid = chat.group ? memberJid(chat.group, phone) : phone.jid;
  const sign = Buffer.concat([Buffer.from(pollId), Buffer.from(creatorJid), Buffer.from(voterJid), Buffer.from('Poll Vote'), new Uint8Array([1])]);
  const key = hmacSign(sign, hmacSign(Buffer.from(secret), new Uint8Array(32), 'sha256'), 'sha256');
  const iv = randomBytes(12);
  const plain = proto.Message.PollVoteMessage.encode({ selectedOptions: options.map((o) => sha256(Buffer.from(o))) }).finish();
  const encPayload = aesEncryptGCM(plain, key, iv, Buffer.from(`${pollId}\u0000${voterJid}`));
  return {
    pollUpdateMessage: {
      pollCreationMessageKey: { remoteJid: chat.jid, fromMe: false, id: pollId, ...(chat.group ? { participant: creatorJid } : {}) },
      vote: { encPayload, encIv: iv },
      senderTimestampMs: Date.now(),
    },
  };
}

/** What a companion sent, as protobuf JSON (bytes base64, enums by name): edits, revokes, polls with their secret, votes. */
export const decoded = (message: unknown) => {
  const m = message instanceof proto.Message ? message : proto.Message.fromObject((message ?? {}) as Record<string, unknown>);
  return proto.Message.toObject(m, { longs: Number, enums: String, bytes: String, defaults: false });
};
