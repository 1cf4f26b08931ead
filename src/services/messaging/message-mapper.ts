import { getContentType, isJidGroup, jidDecode, normalizeMessageContent, type WAMessage } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import { changeOf, detailsOf, messageSecretOf } from './message-content.ts';
import type { Contact, Inbound, IncomingMessage, MessageKind } from './types.ts';

const KINDS: Record<string, MessageKind> = {
  conversation: 'TEXT',
  extendedTextMessage: 'TEXT',
  imageMessage: 'IMAGE',
  videoMessage: 'VIDEO',
  audioMessage: 'AUDIO',
  documentMessage: 'DOCUMENT',
  documentWithCaptionMessage: 'DOCUMENT',
  stickerMessage: 'STICKER',
  locationMessage: 'LOCATION',
  liveLocationMessage: 'LOCATION',
  contactMessage: 'CONTACT',
  contactsArrayMessage: 'CONTACT',
  reactionMessage: 'REACTION',
  pollCreationMessage: 'POLL',
  pollCreationMessageV2: 'POLL',
  pollCreationMessageV3: 'POLL',
};

/** Protocol chatter (history notifications, key shares, sender keys) is not a message for the user. */
const NOT_USER_CONTENT = new Set(['protocolMessage', 'pollUpdateMessage', 'senderKeyDistributionMessage', 'messageContextInfo']);

/**
 * Turns a Baileys message into what the ledger stores: a message, a change to a stored one (edit,
 * delete, poll vote), or undefined for anything that is not user-visible. Sender identity carries
 * both addressing forms when WhatsApp told us both.
 */
export function toInbound(instanceId: string, msg: WAMessage, selfJids: string[], media?: ReceivedMediaRecord): Inbound | undefined {
  const key = msg.key;
  const chatJid = key.remoteJid;
  if (!chatJid || !key.id || chatJid === 'status@broadcast' || !msg.message) return undefined;
  const content = normalizeMessageContent(msg.message);
  const type = content ? getContentType(content) : undefined;
  if (!content || !type) return undefined;
  const isGroup = !!isJidGroup(chatJid);
  const sender = senderOf(msg, chatJid, isGroup);
  const change = changeOf(msg, content);
  if (change) return { change: { instanceId, id: key.id, chatJid, sender, fromMe: !!key.fromMe, selfJids, change } };
  if (NOT_USER_CONTENT.has(type)) return undefined;

  const kind: MessageKind = type === 'audioMessage' && content.audioMessage?.ptt ? 'VOICE' : (KINDS[type] ?? 'OTHER');
  const text =
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    content.documentWithCaptionMessage?.message?.documentMessage?.caption ??
    null;
  const seconds = Number(msg.messageTimestamp ?? 0) || Math.floor(Date.now() / 1000);
  const message: IncomingMessage = {
    id: key.id,
    instanceId,
    chatJid,
    sender,
    fromMe: !!key.fromMe,
    isGroup,
    type: kind,
    text,
    timestamp: new Date(seconds * 1000),
    media: media
      ? {
          kind,
          mimeType: media.mimeType,
          size: media.fileLength,
          fileName: media.fileName,
          caption: kind === 'TEXT' ? null : text,
        }
      : null,
    details: detailsOf(msg.message, content),
    ...(kind === 'POLL' ? { secret: messageSecretOf(msg.message) } : {}),
  };
  return { message };
}

function senderOf(msg: WAMessage, chatJid: string, isGroup: boolean): Contact {
  const key = msg.key;
  const senderJid = (isGroup ? key.participant : chatJid) ?? chatJid;
  const altJid = (isGroup ? key.participantAlt : key.remoteJidAlt) ?? undefined;
  const pnJid = [senderJid, altJid].find((j) => j?.endsWith('@s.whatsapp.net'));
  const lidJid = [senderJid, altJid].find((j) => j?.endsWith('@lid'));
  return { jid: senderJid, lid: lidJid ?? null, phoneNumber: pnJid ? (jidDecode(pnJid)?.user ?? null) : null, pushName: msg.pushName ?? null };
}
