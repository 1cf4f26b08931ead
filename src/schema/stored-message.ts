import type { MessageChangedEvent, MessageDirection, MessageStatus, MessageStatusEvent, StoredMessage } from '../services/messaging/index.ts';
import { builder } from './builder.ts';
import { contentFields } from './message-content.ts';
import { ContactType, MessageKindEnum, MessageMediaType, receivedFile, SendMediaResultType, SendMessageResultType, SendTextResultType } from './message.ts';

const STATUS_DESCRIPTIONS: Record<MessageStatus, string> = {
  SCHEDULED: 'A send waiting for its time.',
  QUEUED: 'A send accepted and waiting in its instance queue (also while the instance reconnects).',
  SENDING: 'A send being handed to WhatsApp.',
  SENT: "WhatsApp's server acknowledged the send.",
  DELIVERED: "The recipient's device received it.",
  READ: 'The recipient read it; for a received message: it was marked read (here or on the phone).',
  PLAYED: 'The recipient played the voice note or video.',
  FAILED: 'The send failed; `error` says why.',
  CANCELLED: 'The send was cancelled before it went out.',
  RECEIVED: 'A received message, not marked read.',
};

export const MessageStatusEnum = builder.enumType('MessageStatus', {
  description: 'Where a message stands, as WhatsApp confirmed it (stored before it is reported).',
  values: Object.fromEntries(Object.entries(STATUS_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<MessageStatus, { description: string }>,
});

export const MessageDirectionEnum = builder.enumType('MessageDirection', {
  description: 'Which way a message went.',
  values: {
    INBOUND: { description: "Arrived over the instance's connection: from others, or from the account's own phone (`fromMe`)." },
    OUTBOUND: { description: 'Sent through this gateway.' },
  } satisfies Record<MessageDirection, { description: string }>,
});

const MessageStatusStepType = builder.objectRef<{ status: MessageStatus; at: Date }>('MessageStatusStep').implement({
  description: 'One status a message reached, and when.',
  fields: (t) => ({
    status: t.field({ type: MessageStatusEnum, description: 'The status.', resolve: (s) => s.status }),
    at: t.expose('at', { type: 'DateTime', description: 'When it was reached.' }),
  }),
});

const MessageErrorType = builder.objectRef<{ code: string; message: string }>('MessageError').implement({
  description: 'Why a send failed.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'A stable code: `EXPIRED`, `INSTANCE_LOGGED_OUT`, `RECIPIENT_NOT_ON_WHATSAPP`, `SEND_FAILED`, or `WHATSAPP_<n>` for an error WhatsApp answered (463, 475, …).' }),
    message: t.exposeString('message', { description: 'What happened, for people.' }),
  }),
});

export const MessageType = builder.objectRef<StoredMessage>('Message').implement({
  description: 'A message in the ledger: every message of every instance, both directions, with its delivery status.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'WhatsApp message id (unique per instance).' }),
    cursor: t.exposeString('cursor', { description: 'Its position in the ledger (grows in the order messages were stored).' }),
    instanceId: t.exposeID('instanceId', { description: 'The instance that sent or received it.' }),
    direction: t.field({ type: MessageDirectionEnum, description: 'INBOUND or OUTBOUND.', resolve: (m) => m.direction }),
    chatJid: t.exposeString('chatJid', { description: 'The chat: the other party of a direct chat, or the group JID.' }),
    sender: t.field({ type: ContactType, description: 'Who wrote it (for OUTBOUND: the recipient chat, as the account is the sender).', resolve: (m) => m.sender }),
    fromMe: t.exposeBoolean('fromMe', { description: 'True when the linked account wrote it (sent here, or from its phone).' }),
    isGroup: t.exposeBoolean('isGroup', { description: 'True when the chat is a group.' }),
    type: t.field({ type: MessageKindEnum, description: 'What the message carries.', resolve: (m) => m.type }),
    text: t.exposeString('text', { nullable: true, description: 'The text, or the caption of a media message.' }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: "WhatsApp's time of the message." }),
    media: t.field({ type: MessageMediaType, nullable: true, description: 'The file of a received media message; null otherwise.', resolve: receivedFile }),
    status: t.field({ type: MessageStatusEnum, description: 'The current status.', resolve: (m) => m.status }),
    statusHistory: t.field({
      type: [MessageStatusStepType],
      description: 'Every status reached, oldest first.',
      resolve: (m) => Object.entries(m.statusTimes).map(([status, at]) => ({ status: status as MessageStatus, at: at! })).sort((a, b) => a.at.getTime() - b.at.getTime()),
    }),
    error: t.field({
      type: MessageErrorType,
      nullable: true,
      description: 'Why it FAILED; null otherwise.',
      resolve: (m) => (m.errorCode ? { code: m.errorCode, message: m.errorMessage ?? m.errorCode } : null),
    }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The key the send was made with, if any.' }),
    storedAt: t.expose('storedAt', { type: 'DateTime', description: 'When the ledger stored it.' }),
    ...contentFields(t),
  }),
});

export const MessageStatusEventType = builder.objectRef<MessageStatusEvent>('MessageStatusEvent').implement({
  description: 'A stored message reached a status.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance.' }),
    messageId: t.exposeID('messageId', { description: 'WhatsApp message id.' }),
    status: t.field({ type: MessageStatusEnum, description: 'The status reached.', resolve: (e) => e.status }),
    at: t.expose('at', { type: 'DateTime', description: 'When.' }),
    message: t.field({ type: MessageType, description: 'The message as stored after the change.', resolve: (e) => e.message }),
  }),
});

for (const result of [SendTextResultType, SendMediaResultType, SendMessageResultType]) {
  builder.objectField(result, 'message', (t) =>
    t.field({
      type: MessageType,
      description: 'The message as the ledger stored it, with its status: SENT once WhatsApp took it, or still QUEUED/SENDING when the wait (SEND_WAIT_MS) ran out or the instance is reconnecting, or FAILED with its error.',
      resolve: (r) => r.message!,
    }),
  );
}

type MessageChangeKind = MessageChangedEvent['kind'];

export const MessageChangeKindEnum = builder.enumType('MessageChangeKind', {
  description: 'How a stored message changed.',
  values: {
    EDITED: { description: 'Its author edited it (webhook event MESSAGE_EDITED).' },
    DELETED: { description: 'Its author deleted it for everyone (webhook event MESSAGE_DELETED).' },
    UPDATED: { description: 'Its reactions or poll votes changed (webhook event MESSAGE_UPDATED).' },
  } satisfies Record<MessageChangeKind, { description: string }>,
});

export const MessageChangeEventType = builder.objectRef<MessageChangedEvent>('MessageChangeEvent').implement({
  description: 'A stored message changed after it was sent or received.',
  fields: (t) => ({
    kind: t.field({ type: MessageChangeKindEnum, description: 'What changed.', resolve: (e) => e.kind }),
    message: t.field({ type: MessageType, description: 'The message as stored after the change.', resolve: (e) => e.message }),
  }),
});
