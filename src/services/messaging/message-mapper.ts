import { getContentType, isJidGroup, jidDecode, normalizeMessageContent, type WAMessage } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import type { IncomingMessage, MessageKind } from './types.ts';

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
};

/** Protocol chatter (history notifications, key shares, sender keys) is not a message for the user. */
const NOT_USER_CONTENT = new Set(['protocolMessage', 'senderKeyDistributionMessage', 'messageContextInfo']);

/**
 * Turns a Baileys message into the gateway's typed event, or undefined for anything that is not a
 * user-visible message. Sender identity carries both addressing forms when WhatsApp told us both.
 */
export function toIncomingMessage(instanceId: string, msg: WAMessage, media?: ReceivedMediaRecord): IncomingMessage | undefined {
  const key = msg.key;
  const chatJid = key.remoteJid;
  if (!chatJid || !key.id || chatJid === 'status@broadcast' || !msg.message) return undefined;
  const content = normalizeMessageContent(msg.message);
  const type = content ? getContentType(content) : undefined;
  if (!content || !type || NOT_USER_CONTENT.has(type)) return undefined;

  const isGroup = !!isJidGroup(chatJid);
  const senderJid = (isGroup ? key.participant : chatJid) ?? chatJid;
  const altJid = (isGroup ? key.participantAlt : key.remoteJidAlt) ?? undefined;
  const pnJid = [senderJid, altJid].find((j) => j?.endsWith('@s.whatsapp.net'));
  const lidJid = [senderJid, altJid].find((j) => j?.endsWith('@lid'));
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
  return {
    id: key.id,
    instanceId,
    chatJid,
    sender: {
      jid: senderJid,
      lid: lidJid ?? null,
      phoneNumber: pnJid ? (jidDecode(pnJid)?.user ?? null) : null,
      pushName: msg.pushName ?? null,
    },
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
  };
}
