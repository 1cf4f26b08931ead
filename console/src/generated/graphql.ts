/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** A new webhook. */
export type CreateWebhookInput = {
  /** The events it receives (at least one). */
  events: Array<WebhookEvent>;
  /** The instance whose events it receives; omitted: every instance you may see, including later ones. */
  instanceId?: string | number | null | undefined;
  /** The signing key, 16 to 256 characters; generated when omitted. */
  secret?: string | null | undefined;
  /** An absolute http(s) URL. */
  url: string;
};

/** Where a webhook delivery stands. Delivered ones are not kept. */
export type DeliveryStatus =
  /** Given up after WEBHOOK_MAX_ATTEMPTS (or refused for good by the receiver); kept until replayed or pruned. */
  | 'FAILED'
  /** Queued: being sent, or waiting for its retry or for earlier deliveries of its instance. */
  | 'PENDING';

/** Where an instance is in its lifecycle. */
export type InstanceStatus =
  /** Linked; opening the connection to WhatsApp. */
  | 'CONNECTING'
  /** Created, never connected. */
  | 'CREATED'
  /** Stopped for good without logging out (replaced by another login, refused, QR never scanned); `lastError` says why. `connectInstance` tries again. */
  | 'DISCONNECTED'
  /** Unlinked (by `logoutInstance` or on the phone); its keys are gone. `connectInstance` starts a fresh QR link. */
  | 'LOGGED_OUT'
  /** Connected: can send and receive. */
  | 'ONLINE'
  /** A phone scanned the QR or entered the pairing code; the link is being completed. */
  | 'PAIRING'
  /** Waiting to be linked: a QR code (field `qr`, subscription `qrCode`) or a pairing code is showing. */
  | 'QR_PENDING'
  /** The connection dropped; retrying with backoff (see `reconnectAttempts` and `lastError`). */
  | 'RECONNECTING';

/** How a media message is sent. The bytes must agree: the type is read from them, not from a name or a declared type. */
export type MediaKind =
  /** An audio file (MP3, M4A, AAC, Ogg, WAV, AMR, FLAC), shown as a player. */
  | 'AUDIO'
  /** Any file, shown with its file name; may have a caption. */
  | 'DOCUMENT'
  /** A picture (JPEG, PNG, GIF, WebP), shown inline; may have a caption. */
  | 'IMAGE'
  /** A sticker: a WebP image only (`sendSticker` is the same as `sendMedia` with this kind). */
  | 'STICKER'
  /** A video (MP4, 3GP, QuickTime, WebM), shown inline; may have a caption. */
  | 'VIDEO'
  /** A voice note (push-to-talk): Ogg/Opus audio only. */
  | 'VOICE';

/** Which way a message went. */
export type MessageDirection =
  /** Arrived over the instance's connection: from others, or from the account's own phone (`fromMe`). */
  | 'INBOUND'
  /** Sent through this gateway. */
  | 'OUTBOUND';

/** What a message carries. */
export type MessageKind =
  /** An audio file. */
  | 'AUDIO'
  /** One or more shared contacts (vCards). */
  | 'CONTACT'
  /** A document (its caption is in `text`). */
  | 'DOCUMENT'
  /** An edit of another message, sent through this gateway (`editMessage`). */
  | 'EDIT'
  /** An image (its caption is in `text`). */
  | 'IMAGE'
  /** A static or live location. */
  | 'LOCATION'
  /** Any other kind of message. */
  | 'OTHER'
  /** A poll (its votes are aggregated on it as `pollResults`). */
  | 'POLL'
  /** An emoji reaction to another message (also listed on that message as `reactions`). */
  | 'REACTION'
  /** A delete-for-everyone of another message, sent through this gateway (`deleteMessage`). */
  | 'REVOKE'
  /** A sticker. */
  | 'STICKER'
  /** Plain or extended text. */
  | 'TEXT'
  /** A video (its caption is in `text`). */
  | 'VIDEO'
  /** A voice note (push-to-talk audio). */
  | 'VOICE';

/** Where a message stands, as WhatsApp confirmed it (stored before it is reported). */
export type MessageStatus =
  /** The send was cancelled before it went out. */
  | 'CANCELLED'
  /** The recipient's device received it. */
  | 'DELIVERED'
  /** The send failed; `error` says why. */
  | 'FAILED'
  /** The recipient played the voice note or video. */
  | 'PLAYED'
  /** A send accepted and waiting in its instance queue (also while the instance reconnects). */
  | 'QUEUED'
  /** The recipient read it; for a received message: it was marked read (here or on the phone). */
  | 'READ'
  /** A received message, not marked read. */
  | 'RECEIVED'
  /** A send waiting for its time. */
  | 'SCHEDULED'
  /** A send being handed to WhatsApp. */
  | 'SENDING'
  /** WhatsApp's server acknowledged the send. */
  | 'SENT';

/** What a user may do. */
export type Role =
  /** Sees and drives every instance; manages users and grants. */
  | 'ADMIN'
  /** Sees and drives the instances they created or were granted. */
  | 'USER';

/** A media message to send: exactly one of `instanceId` and `fromPhoneNumber`, and exactly one of `url` and `file`. Size limits per kind: MAX_IMAGE_MB, MAX_VIDEO_MB, MAX_AUDIO_MB, MAX_DOCUMENT_MB. */
export type SendMediaInput = {
  /** Text shown with an IMAGE, VIDEO or DOCUMENT (at most 4096 characters). */
  caption?: string | null | undefined;
  /** The file itself, as a part of a multipart request (GraphQL multipart request spec). */
  file?: Blob | null | undefined;
  /** The name a DOCUMENT is shown with; defaults to the upload’s or URL’s file name. */
  fileName?: string | null | undefined;
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** How to send it; must match what the bytes are. */
  kind: MediaKind;
  /** Mention these users (phone numbers or JIDs); write `@<number>` in the text where each should show. */
  mentions?: Array<string> | null | undefined;
  /** Optional; must agree with the bytes. Worth giving for documents (a .docx reads as a zip). */
  mimeType?: string | null | undefined;
  /** Quote this stored message (its WhatsApp id, sent or received by the same instance; needs `instanceId`). Unknown: MESSAGE_NOT_FOUND. */
  replyTo?: string | number | null | undefined;
  /** Send not before this time (at most 366 days ahead): the message stays SCHEDULED until then, across restarts, and the call answers at once. `cancelMessage` cancels it meanwhile. A time in the past sends now. */
  sendAt?: string | null | undefined;
  /** Recipient: a phone number in international form or a JID. A number that is not on WhatsApp is refused before anything is fetched. */
  to: string;
  /** Fetch the file from this http(s) URL (private, loopback and link-local addresses are refused unless MEDIA_ALLOW_PRIVATE_URLS=true). */
  url?: string | null | undefined;
};

/** A reaction to a stored message. */
export type SendReactionInput = {
  /** One emoji; empty removes your reaction. */
  emoji: string;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance that sent or received the message. */
  instanceId: string | number;
  /** The WhatsApp id of the stored message to react to. */
  messageId: string | number;
};

/** A text message to send. Give exactly one of `instanceId` and `fromPhoneNumber`. */
export type SendTextInput = {
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again (concurrent duplicates, retries after a timeout or a gateway restart). */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** Mention these users (phone numbers or JIDs); write `@<number>` in the text where each should show. */
  mentions?: Array<string> | null | undefined;
  /** Quote this stored message (its WhatsApp id, sent or received by the same instance; needs `instanceId`). Unknown: MESSAGE_NOT_FOUND. */
  replyTo?: string | number | null | undefined;
  /** Send not before this time (at most 366 days ahead): the message stays SCHEDULED until then, across restarts, and the call answers at once. `cancelMessage` cancels it meanwhile. A time in the past sends now. */
  sendAt?: string | null | undefined;
  /** The message text, 1 to 65536 characters, not only whitespace. */
  text: string;
  /** Recipient: a phone number in international form (`+`, spaces and dashes allowed) or a JID. A number that is not on WhatsApp is refused before sending. */
  to: string;
};

/** What happened to the gateway or to an instance as a whole. */
export type SystemEventKind =
  /** An instance was created. */
  | 'INSTANCE_CREATED'
  /** An ONLINE instance stopped passing messages (sends without a server ack, a contact whose messages keep failing to decrypt, or one whose device cannot decrypt ours); the gateway is healing it (reconnect, new Signal session). `message` says why. */
  | 'INSTANCE_DEGRADED'
  /** An instance was deleted. */
  | 'INSTANCE_DELETED'
  /** A degraded instance passes messages again. */
  | 'INSTANCE_HEALED'
  /** An instance was logged out through the API. */
  | 'INSTANCE_LOGGED_OUT'
  /** WhatsApp restricted the instance's account (reach-out timelock, message capping); its sends are paused. */
  | 'INSTANCE_RESTRICTED'
  /** Every stored instance has been asked to reconnect. */
  | 'RESTORE_FINISHED'
  /** The gateway started reconnecting stored instances after boot. */
  | 'RESTORE_STARTED'
  /** The gateway stopped its instances (it is shutting down). */
  | 'SHUTDOWN';

/** Changes to a webhook; omitted fields stay as they are. */
export type UpdateWebhookInput = {
  /** The new event list (at least one). */
  events?: Array<WebhookEvent> | null | undefined;
  /** The webhook id. */
  id: string | number;
  /** A new signing key (what is still queued is signed with it too). */
  secret?: string | null | undefined;
  /** A new URL (queued deliveries go there too). */
  url?: string | null | undefined;
};

/** What a webhook can be told about. Every POST body is `{id, type, instanceId, createdAt, data}`. */
export type WebhookEvent =
  /** Members of a group the instance is in were added, removed (or left), promoted or demoted; `data` is the `groupEvents` event. */
  | 'GROUP_PARTICIPANTS_UPDATED'
  /** A group's subject, description, settings or invite link changed, or the instance was put in a new group; `data` is the `groupEvents` event. */
  | 'GROUP_UPDATED'
  /** WhatsApp restricted the instance's account and its sends are paused; `data` holds `instanceId`, `message`, `at`. */
  | 'INSTANCE_RESTRICTED'
  /** An instance changed status; `data` is the `instanceStatus` event. */
  | 'INSTANCE_STATUS'
  /** The author of a stored message deleted it for everyone; `data` is the stored message (`history.deletedAt` set). */
  | 'MESSAGE_DELETED'
  /** The author of a stored message edited it; `data` is the stored message (the new `text`, the former ones in `history.edits`). */
  | 'MESSAGE_EDITED'
  /** A message arrived (or was sent from the phone itself); `data` is the stored message as `messageReceived` has it, with its `cursor`. */
  | 'MESSAGE_RECEIVED'
  /** WhatsApp accepted a message this gateway sent; `data` is the stored message (status SENT). */
  | 'MESSAGE_SENT'
  /** A stored message changed status (queued, sent, delivered, read, played, failed, …); `data` holds `instanceId`, `messageId`, `status`, `at` and the stored `message`. */
  | 'MESSAGE_STATUS'
  /** A stored message's reactions or poll votes changed (a reaction or vote arrived or was sent); `data` is the stored message (`reactions`, `pollResults`). The event id is derived from the reaction's or vote's own message id. */
  | 'MESSAGE_UPDATED'
  /** A new QR code for linking; `data` holds `instanceId`, `code`, `pngDataUrl`, `expiresAt`. */
  | 'QR';

export type ConsoleInstanceFragment = { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string };

export type ConsoleMediaFragment = { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string };

export type ConsoleSenderFragment = { jid: string, phoneNumber: string | null, pushName: string | null };

export type ConsoleQuotedFragment = { id: string, senderJid: string | null, text: string | null };

export type ConsoleReactionFragment = { emoji: string, senderJid: string };

export type ConsoleMessageFragment = { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null };

export type ConsoleWebhookFragment = { id: string, url: string, events: Array<WebhookEvent>, instanceId: string | null, format: string, createdAt: string };

export type ConsoleLoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type ConsoleLoginMutation = { login: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, user: { id: string, username: string, role: Role } } };

export type ConsoleRefreshMutationVariables = Exact<{
  token: string;
}>;


export type ConsoleRefreshMutation = { refreshToken: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, user: { id: string, username: string, role: Role } } };

export type ConsoleLogoutMutationVariables = Exact<{
  refreshToken?: string | null | undefined;
}>;


export type ConsoleLogoutMutation = { logout: { ok: boolean } };

export type ConsoleMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMeQuery = { me: { id: string, username: string, role: Role } };

export type ConsoleInstancesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleInstancesQuery = { instances: Array<{ id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string }> };

export type ConsoleInstanceStatusSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleInstanceStatusSubscription = { instanceStatus: { instanceId: string, status: InstanceStatus, reconnectAttempts: number, lastError: string | null } };

export type ConsoleSystemEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSystemEventsSubscription = { systemEvents: { type: SystemEventKind, instanceId: string | null, message: string } };

export type ConsoleQrCodeSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type ConsoleQrCodeSubscription = { qrCode: { code: string, expiresAt: string } };

export type ConsoleCreateInstanceMutationVariables = Exact<{
  name: string;
}>;


export type ConsoleCreateInstanceMutation = { createInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string } };

export type ConsoleConnectInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleConnectInstanceMutation = { connectInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string } };

export type ConsoleRequestPairingCodeMutationVariables = Exact<{
  id: string | number;
  phoneNumber: string;
}>;


export type ConsoleRequestPairingCodeMutation = { requestPairingCode: { code: string } };

export type ConsoleLogoutInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleLogoutInstanceMutation = { logoutInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string } };

export type ConsoleDeleteInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDeleteInstanceMutation = { deleteInstance: { id: string } };

export type ConsoleMessagesQueryVariables = Exact<{
  instanceId: string | number;
  chatJid?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type ConsoleMessagesQuery = { messages: { edges: Array<{ node: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } }>, pageInfo: { hasPreviousPage: boolean, startCursor: string | null } } };

export type ConsoleChatsQueryVariables = Exact<{
  instanceId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleChatsQuery = { chats: { edges: Array<{ node: { jid: string, name: string | null, unreadCount: number, lastMessage: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ConsoleMessageReceivedSubscriptionVariables = Exact<{
  instanceId: string | number;
  after?: string | null | undefined;
}>;


export type ConsoleMessageReceivedSubscription = { messageReceived: { id: string, cursor: string, instanceId: string, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } };

export type ConsoleMessageChangedSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type ConsoleMessageChangedSubscription = { messageChanged: { message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } };

export type ConsoleMessageStatusSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type ConsoleMessageStatusSubscription = { messageStatus: { messageId: string, status: MessageStatus, message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } };

export type ConsoleSendTextMutationVariables = Exact<{
  input: SendTextInput;
}>;


export type ConsoleSendTextMutation = { sendText: { message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } };

export type ConsoleSendMediaMutationVariables = Exact<{
  input: SendMediaInput;
}>;


export type ConsoleSendMediaMutation = { sendMedia: { message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } };

export type ConsoleMessageQueryVariables = Exact<{
  instanceId: string | number;
  id: string | number;
}>;


export type ConsoleMessageQuery = { message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } | null };

export type ConsoleSendReactionMutationVariables = Exact<{
  input: SendReactionInput;
}>;


export type ConsoleSendReactionMutation = { sendReaction: { message: { id: string, cursor: string, instanceId: string, chatJid: string, direction: MessageDirection, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, timestamp: string, edited: boolean, deleted: boolean, sender: { jid: string, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, fileName: string | null, caption: string | null, downloadPath: string } | null, error: { code: string, message: string } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string }>, location: { latitude: number, longitude: number, name: string | null } | null } } };

export type ConsoleMarkReadMutationVariables = Exact<{
  instanceId: string | number;
  chatJid: string;
}>;


export type ConsoleMarkReadMutation = { markRead: boolean };

export type ConsoleWebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleWebhooksQuery = { webhooks: Array<{ id: string, url: string, events: Array<WebhookEvent>, instanceId: string | null, format: string, createdAt: string }> };

export type ConsoleCreateWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type ConsoleCreateWebhookMutation = { createWebhook: { secret: string, webhook: { id: string, url: string, events: Array<WebhookEvent>, instanceId: string | null, format: string, createdAt: string } } };

export type ConsoleUpdateWebhookMutationVariables = Exact<{
  input: UpdateWebhookInput;
}>;


export type ConsoleUpdateWebhookMutation = { updateWebhook: { id: string, url: string, events: Array<WebhookEvent>, instanceId: string | null, format: string, createdAt: string } };

export type ConsoleDeleteWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDeleteWebhookMutation = { deleteWebhook: { id: string } };

export type ConsoleWebhookDeliveriesQueryVariables = Exact<{
  webhookId: string | number;
  status?: DeliveryStatus | null | undefined;
}>;


export type ConsoleWebhookDeliveriesQuery = { webhookDeliveries: { edges: Array<{ node: { id: string, event: WebhookEvent, eventId: string, status: DeliveryStatus, attempts: number, lastError: string | null, createdAt: string, nextAttemptAt: string | null, failedAt: string | null } }> } };

export type ConsoleReplayWebhookDeliveriesMutationVariables = Exact<{
  webhookId: string | number;
}>;


export type ConsoleReplayWebhookDeliveriesMutation = { replayWebhookDeliveries: { replayed: number } };

export type ConsoleUsersQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleUsersQuery = { users: Array<{ id: string, username: string, role: Role, createdAt: string }> };

export type ConsoleCreateUserMutationVariables = Exact<{
  username: string;
  password: string;
  role?: Role | null | undefined;
}>;


export type ConsoleCreateUserMutation = { createUser: { id: string, username: string, role: Role, createdAt: string } };

export type ConsoleGrantInstanceAccessMutationVariables = Exact<{
  instanceId: string | number;
  userId: string | number;
}>;


export type ConsoleGrantInstanceAccessMutation = { grantInstanceAccess: { ok: boolean } };

export type ConsoleRevokeInstanceAccessMutationVariables = Exact<{
  instanceId: string | number;
  userId: string | number;
}>;


export type ConsoleRevokeInstanceAccessMutation = { revokeInstanceAccess: { ok: boolean } };

export type ConsoleApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, ownerId: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type ConsoleCreateApiKeyMutationVariables = Exact<{
  name: string;
}>;


export type ConsoleCreateApiKeyMutation = { createApiKey: { key: string, apiKey: { id: string, name: string, prefix: string } } };

export type ConsoleRevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRevokeApiKeyMutation = { revokeApiKey: { id: string } };

export type ConsoleWebhookDeliveryCountQueryVariables = Exact<{
  webhookId: string | number;
  status: DeliveryStatus;
}>;


export type ConsoleWebhookDeliveryCountQuery = { webhookDeliveries: { edges: Array<{ cursor: string }>, pageInfo: { hasNextPage: boolean } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleInstanceFragmentDoc = new TypedDocumentString(`
    fragment ConsoleInstance on Instance {
  id
  name
  status
  phoneNumber
  jid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
}
    `, {"fragmentName":"ConsoleInstance"}) as unknown as TypedDocumentString<ConsoleInstanceFragment, unknown>;
export const ConsoleSenderFragmentDoc = new TypedDocumentString(`
    fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
    `, {"fragmentName":"ConsoleSender"}) as unknown as TypedDocumentString<ConsoleSenderFragment, unknown>;
export const ConsoleMediaFragmentDoc = new TypedDocumentString(`
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
    `, {"fragmentName":"ConsoleMedia"}) as unknown as TypedDocumentString<ConsoleMediaFragment, unknown>;
export const ConsoleQuotedFragmentDoc = new TypedDocumentString(`
    fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
    `, {"fragmentName":"ConsoleQuoted"}) as unknown as TypedDocumentString<ConsoleQuotedFragment, unknown>;
export const ConsoleReactionFragmentDoc = new TypedDocumentString(`
    fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
    `, {"fragmentName":"ConsoleReaction"}) as unknown as TypedDocumentString<ConsoleReactionFragment, unknown>;
export const ConsoleMessageFragmentDoc = new TypedDocumentString(`
    fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}`, {"fragmentName":"ConsoleMessage"}) as unknown as TypedDocumentString<ConsoleMessageFragment, unknown>;
export const ConsoleWebhookFragmentDoc = new TypedDocumentString(`
    fragment ConsoleWebhook on Webhook {
  id
  url
  events
  instanceId
  format
  createdAt
}
    `, {"fragmentName":"ConsoleWebhook"}) as unknown as TypedDocumentString<ConsoleWebhookFragment, unknown>;
export const ConsoleLoginDocument = new TypedDocumentString(`
    mutation ConsoleLogin($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    accessToken
    accessTokenExpiresAt
    refreshToken
    user {
      id
      username
      role
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLoginMutation, ConsoleLoginMutationVariables>;
export const ConsoleRefreshDocument = new TypedDocumentString(`
    mutation ConsoleRefresh($token: String!) {
  refreshToken(token: $token) {
    accessToken
    accessTokenExpiresAt
    refreshToken
    user {
      id
      username
      role
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleRefreshMutation, ConsoleRefreshMutationVariables>;
export const ConsoleLogoutDocument = new TypedDocumentString(`
    mutation ConsoleLogout($refreshToken: String) {
  logout(refreshToken: $refreshToken) {
    ok
  }
}
    `) as unknown as TypedDocumentString<ConsoleLogoutMutation, ConsoleLogoutMutationVariables>;
export const ConsoleMeDocument = new TypedDocumentString(`
    query ConsoleMe {
  me {
    id
    username
    role
  }
}
    `) as unknown as TypedDocumentString<ConsoleMeQuery, ConsoleMeQueryVariables>;
export const ConsoleInstancesDocument = new TypedDocumentString(`
    query ConsoleInstances {
  instances {
    ...ConsoleInstance
  }
}
    fragment ConsoleInstance on Instance {
  id
  name
  status
  phoneNumber
  jid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
}`) as unknown as TypedDocumentString<ConsoleInstancesQuery, ConsoleInstancesQueryVariables>;
export const ConsoleInstanceStatusDocument = new TypedDocumentString(`
    subscription ConsoleInstanceStatus {
  instanceStatus {
    instanceId
    status
    reconnectAttempts
    lastError
  }
}
    `) as unknown as TypedDocumentString<ConsoleInstanceStatusSubscription, ConsoleInstanceStatusSubscriptionVariables>;
export const ConsoleSystemEventsDocument = new TypedDocumentString(`
    subscription ConsoleSystemEvents {
  systemEvents {
    type
    instanceId
    message
  }
}
    `) as unknown as TypedDocumentString<ConsoleSystemEventsSubscription, ConsoleSystemEventsSubscriptionVariables>;
export const ConsoleQrCodeDocument = new TypedDocumentString(`
    subscription ConsoleQrCode($instanceId: ID!) {
  qrCode(instanceId: $instanceId) {
    code
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleQrCodeSubscription, ConsoleQrCodeSubscriptionVariables>;
export const ConsoleCreateInstanceDocument = new TypedDocumentString(`
    mutation ConsoleCreateInstance($name: String!) {
  createInstance(input: {name: $name}) {
    ...ConsoleInstance
  }
}
    fragment ConsoleInstance on Instance {
  id
  name
  status
  phoneNumber
  jid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
}`) as unknown as TypedDocumentString<ConsoleCreateInstanceMutation, ConsoleCreateInstanceMutationVariables>;
export const ConsoleConnectInstanceDocument = new TypedDocumentString(`
    mutation ConsoleConnectInstance($id: ID!) {
  connectInstance(id: $id) {
    ...ConsoleInstance
  }
}
    fragment ConsoleInstance on Instance {
  id
  name
  status
  phoneNumber
  jid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
}`) as unknown as TypedDocumentString<ConsoleConnectInstanceMutation, ConsoleConnectInstanceMutationVariables>;
export const ConsoleRequestPairingCodeDocument = new TypedDocumentString(`
    mutation ConsoleRequestPairingCode($id: ID!, $phoneNumber: String!) {
  requestPairingCode(id: $id, phoneNumber: $phoneNumber) {
    code
  }
}
    `) as unknown as TypedDocumentString<ConsoleRequestPairingCodeMutation, ConsoleRequestPairingCodeMutationVariables>;
export const ConsoleLogoutInstanceDocument = new TypedDocumentString(`
    mutation ConsoleLogoutInstance($id: ID!) {
  logoutInstance(id: $id) {
    ...ConsoleInstance
  }
}
    fragment ConsoleInstance on Instance {
  id
  name
  status
  phoneNumber
  jid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
}`) as unknown as TypedDocumentString<ConsoleLogoutInstanceMutation, ConsoleLogoutInstanceMutationVariables>;
export const ConsoleDeleteInstanceDocument = new TypedDocumentString(`
    mutation ConsoleDeleteInstance($id: ID!) {
  deleteInstance(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleDeleteInstanceMutation, ConsoleDeleteInstanceMutationVariables>;
export const ConsoleMessagesDocument = new TypedDocumentString(`
    query ConsoleMessages($instanceId: ID!, $chatJid: String, $last: Int, $before: String) {
  messages(
    instanceId: $instanceId
    chatJid: $chatJid
    last: $last
    before: $before
  ) {
    edges {
      node {
        ...ConsoleMessage
      }
    }
    pageInfo {
      hasPreviousPage
      startCursor
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleMessagesQuery, ConsoleMessagesQueryVariables>;
export const ConsoleChatsDocument = new TypedDocumentString(`
    query ConsoleChats($instanceId: ID!, $first: Int, $after: String) {
  chats(instanceId: $instanceId, first: $first, after: $after) {
    edges {
      node {
        jid
        name
        unreadCount
        lastMessage {
          ...ConsoleMessage
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleChatsQuery, ConsoleChatsQueryVariables>;
export const ConsoleMessageReceivedDocument = new TypedDocumentString(`
    subscription ConsoleMessageReceived($instanceId: ID!, $after: String) {
  messageReceived(instanceId: $instanceId, after: $after) {
    id
    cursor
    instanceId
    chatJid
    fromMe
    type
    text
    timestamp
    sender {
      ...ConsoleSender
    }
    media {
      ...ConsoleMedia
    }
    edited
    deleted
    quoted {
      ...ConsoleQuoted
    }
    reactions {
      ...ConsoleReaction
    }
    location {
      latitude
      longitude
      name
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}`) as unknown as TypedDocumentString<ConsoleMessageReceivedSubscription, ConsoleMessageReceivedSubscriptionVariables>;
export const ConsoleMessageChangedDocument = new TypedDocumentString(`
    subscription ConsoleMessageChanged($instanceId: ID!) {
  messageChanged(instanceId: $instanceId) {
    message {
      ...ConsoleMessage
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleMessageChangedSubscription, ConsoleMessageChangedSubscriptionVariables>;
export const ConsoleMessageStatusDocument = new TypedDocumentString(`
    subscription ConsoleMessageStatus($instanceId: ID!) {
  messageStatus(instanceId: $instanceId) {
    messageId
    status
    message {
      ...ConsoleMessage
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleMessageStatusSubscription, ConsoleMessageStatusSubscriptionVariables>;
export const ConsoleSendTextDocument = new TypedDocumentString(`
    mutation ConsoleSendText($input: SendTextInput!) {
  sendText(input: $input) {
    message {
      ...ConsoleMessage
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleSendTextMutation, ConsoleSendTextMutationVariables>;
export const ConsoleSendMediaDocument = new TypedDocumentString(`
    mutation ConsoleSendMedia($input: SendMediaInput!) {
  sendMedia(input: $input) {
    message {
      ...ConsoleMessage
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleSendMediaMutation, ConsoleSendMediaMutationVariables>;
export const ConsoleMessageDocument = new TypedDocumentString(`
    query ConsoleMessage($instanceId: ID!, $id: ID!) {
  message(instanceId: $instanceId, id: $id) {
    ...ConsoleMessage
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleMessageQuery, ConsoleMessageQueryVariables>;
export const ConsoleSendReactionDocument = new TypedDocumentString(`
    mutation ConsoleSendReaction($input: SendReactionInput!) {
  sendReaction(input: $input) {
    message {
      ...ConsoleMessage
    }
  }
}
    fragment ConsoleMedia on MessageMedia {
  kind
  mimeType
  fileName
  caption
  downloadPath
}
fragment ConsoleSender on Contact {
  jid
  phoneNumber
  pushName
}
fragment ConsoleQuoted on QuotedMessage {
  id
  senderJid
  text
}
fragment ConsoleReaction on MessageReaction {
  emoji
  senderJid
}
fragment ConsoleMessage on Message {
  id
  cursor
  instanceId
  chatJid
  direction
  fromMe
  type
  text
  status
  timestamp
  sender {
    ...ConsoleSender
  }
  media {
    ...ConsoleMedia
  }
  error {
    code
    message
  }
  edited
  deleted
  quoted {
    ...ConsoleQuoted
  }
  reactions {
    ...ConsoleReaction
  }
  location {
    latitude
    longitude
    name
  }
}`) as unknown as TypedDocumentString<ConsoleSendReactionMutation, ConsoleSendReactionMutationVariables>;
export const ConsoleMarkReadDocument = new TypedDocumentString(`
    mutation ConsoleMarkRead($instanceId: ID!, $chatJid: String!) {
  markRead(instanceId: $instanceId, chatJid: $chatJid)
}
    `) as unknown as TypedDocumentString<ConsoleMarkReadMutation, ConsoleMarkReadMutationVariables>;
export const ConsoleWebhooksDocument = new TypedDocumentString(`
    query ConsoleWebhooks {
  webhooks {
    ...ConsoleWebhook
  }
}
    fragment ConsoleWebhook on Webhook {
  id
  url
  events
  instanceId
  format
  createdAt
}`) as unknown as TypedDocumentString<ConsoleWebhooksQuery, ConsoleWebhooksQueryVariables>;
export const ConsoleCreateWebhookDocument = new TypedDocumentString(`
    mutation ConsoleCreateWebhook($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    secret
    webhook {
      ...ConsoleWebhook
    }
  }
}
    fragment ConsoleWebhook on Webhook {
  id
  url
  events
  instanceId
  format
  createdAt
}`) as unknown as TypedDocumentString<ConsoleCreateWebhookMutation, ConsoleCreateWebhookMutationVariables>;
export const ConsoleUpdateWebhookDocument = new TypedDocumentString(`
    mutation ConsoleUpdateWebhook($input: UpdateWebhookInput!) {
  updateWebhook(input: $input) {
    ...ConsoleWebhook
  }
}
    fragment ConsoleWebhook on Webhook {
  id
  url
  events
  instanceId
  format
  createdAt
}`) as unknown as TypedDocumentString<ConsoleUpdateWebhookMutation, ConsoleUpdateWebhookMutationVariables>;
export const ConsoleDeleteWebhookDocument = new TypedDocumentString(`
    mutation ConsoleDeleteWebhook($id: ID!) {
  deleteWebhook(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleDeleteWebhookMutation, ConsoleDeleteWebhookMutationVariables>;
export const ConsoleWebhookDeliveriesDocument = new TypedDocumentString(`
    query ConsoleWebhookDeliveries($webhookId: ID!, $status: DeliveryStatus) {
  webhookDeliveries(webhookId: $webhookId, status: $status, first: 50) {
    edges {
      node {
        id
        event
        eventId
        status
        attempts
        lastError
        createdAt
        nextAttemptAt
        failedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleWebhookDeliveriesQuery, ConsoleWebhookDeliveriesQueryVariables>;
export const ConsoleReplayWebhookDeliveriesDocument = new TypedDocumentString(`
    mutation ConsoleReplayWebhookDeliveries($webhookId: ID!) {
  replayWebhookDeliveries(webhookId: $webhookId) {
    replayed
  }
}
    `) as unknown as TypedDocumentString<ConsoleReplayWebhookDeliveriesMutation, ConsoleReplayWebhookDeliveriesMutationVariables>;
export const ConsoleUsersDocument = new TypedDocumentString(`
    query ConsoleUsers {
  users {
    id
    username
    role
    createdAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleUsersQuery, ConsoleUsersQueryVariables>;
export const ConsoleCreateUserDocument = new TypedDocumentString(`
    mutation ConsoleCreateUser($username: String!, $password: String!, $role: Role) {
  createUser(username: $username, password: $password, role: $role) {
    id
    username
    role
    createdAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateUserMutation, ConsoleCreateUserMutationVariables>;
export const ConsoleGrantInstanceAccessDocument = new TypedDocumentString(`
    mutation ConsoleGrantInstanceAccess($instanceId: ID!, $userId: ID!) {
  grantInstanceAccess(instanceId: $instanceId, userId: $userId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<ConsoleGrantInstanceAccessMutation, ConsoleGrantInstanceAccessMutationVariables>;
export const ConsoleRevokeInstanceAccessDocument = new TypedDocumentString(`
    mutation ConsoleRevokeInstanceAccess($instanceId: ID!, $userId: ID!) {
  revokeInstanceAccess(instanceId: $instanceId, userId: $userId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<ConsoleRevokeInstanceAccessMutation, ConsoleRevokeInstanceAccessMutationVariables>;
export const ConsoleApiKeysDocument = new TypedDocumentString(`
    query ConsoleApiKeys {
  apiKeys {
    id
    name
    prefix
    ownerId
    createdAt
    lastUsedAt
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleApiKeysQuery, ConsoleApiKeysQueryVariables>;
export const ConsoleCreateApiKeyDocument = new TypedDocumentString(`
    mutation ConsoleCreateApiKey($name: String!) {
  createApiKey(name: $name) {
    key
    apiKey {
      id
      name
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateApiKeyMutation, ConsoleCreateApiKeyMutationVariables>;
export const ConsoleRevokeApiKeyDocument = new TypedDocumentString(`
    mutation ConsoleRevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleRevokeApiKeyMutation, ConsoleRevokeApiKeyMutationVariables>;
export const ConsoleWebhookDeliveryCountDocument = new TypedDocumentString(`
    query ConsoleWebhookDeliveryCount($webhookId: ID!, $status: DeliveryStatus!) {
  webhookDeliveries(webhookId: $webhookId, status: $status, first: 500) {
    edges {
      cursor
    }
    pageInfo {
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleWebhookDeliveryCountQuery, ConsoleWebhookDeliveryCountQueryVariables>;