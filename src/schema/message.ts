import type { Contact, MediaInfo, MessageKind, NumberCheck, SendResult, StoredMessage } from '../services/messaging/index.ts';
import { mediaDownloadPath } from '../http/media-download.route.ts';
import { builder } from './builder.ts';
import { contentFields } from './message-content.ts';
import './scalars.ts';

const KIND_DESCRIPTIONS: Record<MessageKind, string> = {
  TEXT: 'Plain or extended text.',
  IMAGE: 'An image (its caption is in `text`).',
  VIDEO: 'A video (its caption is in `text`).',
  AUDIO: 'An audio file.',
  VOICE: 'A voice note (push-to-talk audio).',
  DOCUMENT: 'A document (its caption is in `text`).',
  STICKER: 'A sticker.',
  LOCATION: 'A static or live location.',
  CONTACT: 'One or more shared contacts (vCards).',
  REACTION: 'An emoji reaction to another message (also listed on that message as `reactions`).',
  POLL: 'A poll (its votes are aggregated on it as `pollResults`).',
  EDIT: 'An edit of another message, sent through this gateway (`editMessage`).',
  REVOKE: 'A delete-for-everyone of another message, sent through this gateway (`deleteMessage`).',
  OTHER: 'Any other kind of message.',
};

export const MessageKindEnum = builder.enumType('MessageKind', {
  description: 'What a message carries.',
  values: Object.fromEntries(Object.entries(KIND_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<MessageKind, { description: string }>,
});

export const ContactType = builder.objectRef<Contact>('Contact').implement({
  description: 'A WhatsApp user as a message addressed them. WhatsApp identifies users by phone-number JID or by LID; both are given when known.',
  fields: (t) => ({
    jid: t.exposeString('jid', { description: 'The JID WhatsApp used (`<number>@s.whatsapp.net` or `…@lid`).' }),
    lid: t.exposeString('lid', { nullable: true, description: 'The linked-identity JID (`…@lid`), when known.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Phone number (digits, country code first), when known.' }),
    pushName: t.exposeString('pushName', { nullable: true, description: 'Display name the user chose in WhatsApp, when sent along.' }),
  }),
});

/** A received file and the message it came with: the transport builds its download link from the two ids. */
type ReceivedFile = MediaInfo & { instanceId: string; messageId: string };

/** A message's file with the ids its download link is built from. */
export const receivedFile = (m: { instanceId: string; id: string; media: MediaInfo | null }): ReceivedFile | null => m.media && { ...m.media, instanceId: m.instanceId, messageId: m.id };

export const MessageMediaType = builder.objectRef<ReceivedFile>('MessageMedia').implement({
  description: 'The file of a received image, video, audio, voice note, document or sticker. WhatsApp keeps it (encrypted) on its media servers; `downloadUrl` streams it, decrypted, through this gateway.',
  fields: (t) => ({
    kind: t.field({ type: MessageKindEnum, description: 'IMAGE, VIDEO, AUDIO, VOICE, DOCUMENT or STICKER.', resolve: (m) => m.kind }),
    mimeType: t.exposeString('mimeType', { description: 'The MIME type the sender declared (e.g. `image/jpeg`, `audio/ogg; codecs=opus`).' }),
    size: t.exposeFloat('size', { nullable: true, description: 'Size of the decrypted file in bytes, when the sender said.' }),
    fileName: t.exposeString('fileName', { nullable: true, description: 'The file name, for documents (when the sender gave one).' }),
    caption: t.exposeString('caption', { nullable: true, description: 'The caption of an image, video or document.' }),
    downloadPath: t.string({
      description: '`/media/<instanceId>/<messageId>` on this gateway: GET it with the same `Authorization: Bearer …` as the API.',
      resolve: (m) => mediaDownloadPath(m.instanceId, m.messageId),
    }),
    downloadUrl: t.string({
      description: 'The absolute download URL, built from the address the caller used to reach the gateway.',
      resolve: (m, _args, ctx) => `${ctx.baseUrl}${mediaDownloadPath(m.instanceId, m.messageId)}`,
    }),
  }),
});

export const IncomingMessageType = builder.objectRef<StoredMessage>('IncomingMessage').implement({
  description: 'A message an instance received, as the message ledger stored it before publishing it (history sync is not replayed as new messages).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'WhatsApp message id.' }),
    cursor: t.exposeString('cursor', { description: 'Its position in the ledger: pass it as `messageReceived(after:)` to resume after this message.' }),
    instanceId: t.exposeID('instanceId', { description: 'The instance that received it.' }),
    chatJid: t.exposeString('chatJid', { description: 'The chat it belongs to: the sender for a direct chat, the group JID (`…@g.us`) for a group.' }),
    sender: t.field({ type: ContactType, description: 'Who sent it.', resolve: (m) => m.sender }),
    fromMe: t.exposeBoolean('fromMe', { description: 'True when sent by the linked account itself (e.g. from the phone).' }),
    isGroup: t.exposeBoolean('isGroup', { description: 'True when the chat is a group.' }),
    type: t.field({ type: MessageKindEnum, description: 'What the message carries.', resolve: (m) => m.type }),
    text: t.exposeString('text', { nullable: true, description: 'The text: the body of a text message or the caption of a media message.' }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When the sender sent it.' }),
    media: t.field({ type: MessageMediaType, nullable: true, description: 'The file of a media message (image, video, audio, voice note, document, sticker); null otherwise.', resolve: receivedFile }),
    ...contentFields(t),
  }),
});

const sendResultType = (name: string, description: string) =>
  builder.objectRef<SendResult>(name).implement({
    description,
    fields: (t) => ({
      messageId: t.exposeID('messageId', { description: 'WhatsApp message id of the sent message.' }),
      instanceId: t.exposeID('instanceId', { description: 'The instance that sent it.' }),
      to: t.exposeString('to', { description: 'The JID it was sent to (a phone number is resolved to its JID first).' }),
      timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When it was accepted for sending.' }),
    }),
  });

export const SendTextResultType = sendResultType('SendTextResult', 'A text message stored and sent (or queued) through the instance: see `message.status`.');
export const SendMessageResultType = sendResultType(
  'SendMessageResult',
  'A location, contact, poll, reaction, edit, delete or forward stored and sent (or queued) through the instance: see `message.status`.',
);
export const SendMediaResultType = sendResultType('SendMediaResult', 'A media message sent through the instance (the file was uploaded to its media servers): see `message.status`.');

export const NumberCheckType = builder.objectRef<NumberCheck>('NumberCheck').implement({
  description: 'Whether one phone number is on WhatsApp.',
  fields: (t) => ({
    input: t.exposeString('input', { description: 'The number exactly as given.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'The number normalised to digits, or null when the input is not a phone number in international form.' }),
    jid: t.exposeString('jid', { nullable: true, description: 'The JID to address it with (as WhatsApp reported it when it exists).' }),
    exists: t.exposeBoolean('exists', { description: 'True when the number has a WhatsApp account.' }),
  }),
});
