/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The file every recipient gets, as `sendMedia` takes it (exactly one of `url` and `file`; the same size limits and type checks). It is fetched or received once and kept once until the last recipient's message settled. */
export type BroadcastMediaInput = {
  /** Text shown with an IMAGE, VIDEO or DOCUMENT, at most 4096 characters once filled; `{{name}}` placeholders are filled from each recipient's variables, as in `text`. */
  caption?: string | null | undefined;
  /** The file itself, as a part of a multipart request (GraphQL multipart request spec). */
  file?: Blob | null | undefined;
  /** The name a DOCUMENT is shown with; defaults to the upload’s or URL’s file name. */
  fileName?: string | null | undefined;
  /** How to send it; must match what the bytes are. */
  kind: MediaKind;
  /** Optional; must agree with the bytes. */
  mimeType?: string | null | undefined;
  /** Fetch the file from this http(s) URL (private, loopback and link-local addresses are refused unless MEDIA_ALLOW_PRIVATE_URLS=true). */
  url?: string | null | undefined;
};

/** One recipient of a broadcast. */
export type BroadcastRecipientInput = {
  /** A phone number in international form or a JID; each recipient at most once per broadcast. */
  to: string;
  /** Values for the placeholders of `text`; every placeholder needs one. */
  variables?: Array<BroadcastVariableInput> | null | undefined;
};

/** Where a broadcast stands, from its messages' statuses in the ledger. */
export type BroadcastStatus =
  /** `cancelBroadcast` stopped what had not gone yet. */
  | 'CANCELLED'
  /** Every message went to WhatsApp or failed. */
  | 'COMPLETED'
  /** Its messages wait for `sendAt`. */
  | 'SCHEDULED'
  /** Some of its messages are still QUEUED or SENDING. */
  | 'SENDING';

/** The value of one `{{name}}` placeholder for one recipient. */
export type BroadcastVariableInput = {
  /** The placeholder name: letters, digits and `_` (not first), at most 64. */
  name: string;
  /** What replaces `{{name}}`, at most 4096 characters. */
  value: string;
};

/** One contact card: a name and numbers (the vCard is built from them), or your own vCard. */
export type ContactCardInput = {
  /** The name shown on the card. */
  displayName: string;
  /** Phone numbers in international form. */
  phoneNumbers: Array<string>;
  /** A complete vCard; built from the name and numbers when omitted. */
  vcard?: string | null | undefined;
};

/** One text, or one file, to many recipients of one instance: exactly one of `text` and `media`. */
export type CreateBroadcastInput = {
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's broadcast and queues nothing again. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId: string | number;
  /** A file instead of a text; its caption takes placeholders like `text`. */
  media?: BroadcastMediaInput | null | undefined;
  /** 1 to 1000 recipients. */
  recipients: Array<BroadcastRecipientInput>;
  /** Send not before this time (at most 366 days ahead): the message stays SCHEDULED until then, across restarts, and the call answers at once. `cancelMessage` cancels it meanwhile. A time in the past sends now. */
  sendAt?: string | null | undefined;
  /** The text, 1 to 65536 characters once filled; `{{name}}` is replaced by each recipient's value for `name`. A placeholder without a value for some recipient refuses the whole broadcast (VALIDATION_FAILED). */
  text?: string | null | undefined;
};

/** A new group; the instance becomes its creator (super admin). */
export type CreateGroupInput = {
  /** A description, at most 2048 characters. */
  description?: string | null | undefined;
  /** The instance that creates it. */
  instanceId: string | number;
  /** 1 to 256 phone numbers in international form or user JIDs (`…@s.whatsapp.net`, `…@lid`). */
  participants: Array<string>;
  /** The group name, 1 to 100 characters. */
  subject: string;
};

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

/** A message to delete. */
export type DeleteMessageInput = {
  /** True (the default): WhatsApp deletes it on every device of the chat (only the author's own messages, within 60 hours). False: it is marked deleted in this gateway's ledger only. */
  forEveryone?: boolean | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance that sent or received the message. */
  instanceId: string | number;
  /** The WhatsApp id of the message. */
  messageId: string | number;
};

/** Where a webhook delivery stands. Delivered ones are not kept. */
export type DeliveryStatus =
  /** Given up after WEBHOOK_MAX_ATTEMPTS (or refused for good by the receiver); kept until replayed or pruned. */
  | 'FAILED'
  /** Queued: being sent, or waiting for its retry or for earlier deliveries of its instance. */
  | 'PENDING';

/** A new text for a message this account sent. */
export type EditMessageInput = {
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance that sent the message. */
  instanceId: string | number;
  /** The WhatsApp id of the message to edit. */
  messageId: string | number;
  /** The new text, 1 to 65536 characters. */
  text: string;
};

/** A stored message to forward. */
export type ForwardMessageInput = {
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance that holds the message and sends the forward. */
  instanceId: string | number;
  /** The WhatsApp id of the stored message (a text, location or contact). */
  messageId: string | number;
  /** Recipient: a phone number in international form or a JID (a group the account is in). */
  to: string;
};

/** What changed in a group. */
export type GroupEventType =
  /** The description changed; `description` is the new one (null: removed). */
  | 'DESCRIPTION_CHANGED'
  /** The invite link was revoked and replaced. */
  | 'INVITE_LINK_CHANGED'
  /** The instance was put in a new group (it created it, or someone created it with the instance in it); `subject` is set. */
  | 'JOINED'
  /** `participants` were added (or joined by invite link). */
  | 'PARTICIPANTS_ADDED'
  /** `participants` are no longer admins. */
  | 'PARTICIPANTS_DEMOTED'
  /** `participants` became admins. */
  | 'PARTICIPANTS_PROMOTED'
  /** `participants` were removed, or left (then `author` is the one who left). */
  | 'PARTICIPANTS_REMOVED'
  /** A setting changed: `announce` or `locked` holds its new value. */
  | 'SETTINGS_CHANGED'
  /** The subject changed; `subject` is the new one. */
  | 'SUBJECT_CHANGED';

/** What `updateGroupParticipants` does to each participant. */
export type GroupParticipantAction =
  /** Add to the group. */
  | 'ADD'
  /** Make an ordinary member again. */
  | 'DEMOTE'
  /** Make an admin. */
  | 'PROMOTE'
  /** Remove from the group. */
  | 'REMOVE';

/** What WhatsApp answered for one participant. */
export type GroupParticipantOutcome =
  /** Already in the group: nothing changed. */
  | 'ALREADY_MEMBER'
  /** The person's privacy settings do not let this account add them; send them the invite link instead. */
  | 'NOT_ALLOWED'
  /** Not in the group, so it cannot be removed, promoted or demoted. */
  | 'NOT_A_MEMBER'
  /** The number has no WhatsApp account (or WhatsApp did not add it). */
  | 'NOT_ON_WHATSAPP'
  /** Done. */
  | 'OK'
  /** WhatsApp refused it (e.g. removing or demoting the creator); `code` says how. */
  | 'REFUSED';

/** A member's rank in a group. */
export type GroupRole =
  /** May change members, settings and the invite link. */
  | 'ADMIN'
  /** An ordinary member. */
  | 'MEMBER'
  /** The creator (or whom WhatsApp handed the group to): an admin nobody can remove or demote. */
  | 'SUPERADMIN';

/** Whether a live instance really passes messages. */
export type HealthState =
  /** Not passing messages right now (sends without a server ack, or a contact whose messages keep failing to decrypt); the gateway is healing it by itself. `reason` says why. */
  | 'DEGRADED'
  /** Passes messages: what it sends is acknowledged by WhatsApp and what it receives decrypts. */
  | 'OK';

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

/** How a stored message changed. */
export type MessageChangeKind =
  /** Its author deleted it for everyone (webhook event MESSAGE_DELETED). */
  | 'DELETED'
  /** Its author edited it (webhook event MESSAGE_EDITED). */
  | 'EDITED'
  /** Its reactions or poll votes changed (webhook event MESSAGE_UPDATED). */
  | 'UPDATED';

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

/** What the account shows. */
export type PresenceState =
  /** Online, to every contact subscribed to its presence. */
  | 'AVAILABLE'
  /** Typing… in the chat `to`. */
  | 'COMPOSING'
  /** Stopped typing in the chat `to`. */
  | 'PAUSED'
  /** Recording audio… in the chat `to`. */
  | 'RECORDING'
  /** Offline (last seen now). */
  | 'UNAVAILABLE';

/** What a user may do. */
export type Role =
  /** Sees and drives every instance; manages users and grants. */
  | 'ADMIN'
  /** Sees and drives the instances they created or were granted. */
  | 'USER';

/** Contact cards to send. Give exactly one of `instanceId` and `fromPhoneNumber`. */
export type SendContactInput = {
  /** 1 to 20 cards. */
  contacts: Array<ContactCardInput>;
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** Recipient: a phone number in international form or a JID (a group the account is in). */
  to: string;
};

/** A location to send. Give exactly one of `instanceId` and `fromPhoneNumber`. */
export type SendLocationInput = {
  /** The address. */
  address?: string | null | undefined;
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** Degrees, −90 to 90. */
  latitude: number;
  /** Degrees, −180 to 180. */
  longitude: number;
  /** The place name. */
  name?: string | null | undefined;
  /** Recipient: a phone number in international form or a JID (a group the account is in). */
  to: string;
};

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

/** A poll to send. Give exactly one of `instanceId` and `fromPhoneNumber`. */
export type SendPollInput = {
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** 2 to 12 different options. */
  options: Array<string>;
  /** The question. */
  question: string;
  /** How many options a voter may choose: 1 (the default) up to the number of options, or 0 for any number. */
  selectableCount?: number | null | undefined;
  /** Recipient: a phone number in international form or a JID (a group the account is in). */
  to: string;
};

/** Presence or typing to show. */
export type SendPresenceInput = {
  /** The (online) instance. */
  instanceId: string | number;
  /** What to show. */
  state: PresenceState;
  /** The chat, for COMPOSING, RECORDING and PAUSED. */
  to?: string | null | undefined;
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

/** A sticker (a WebP image) to send: exactly one of `instanceId` and `fromPhoneNumber`, and exactly one of `url` and `file`. */
export type SendStickerInput = {
  /** The WebP itself, as a part of a multipart request. */
  file?: Blob | null | undefined;
  /** Send from the instance linked to this phone number (international form). */
  fromPhoneNumber?: string | null | undefined;
  /** Optional, at most 200 characters: the same key on the same instance returns the first call's message. */
  idempotencyKey?: string | null | undefined;
  /** The instance to send from. */
  instanceId?: string | number | null | undefined;
  /** Recipient: a phone number in international form or a JID. */
  to: string;
  /** Fetch the WebP from this http(s) URL. */
  url?: string | null | undefined;
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

/** Changes to a group; omitted fields stay as they are (give at least one). */
export type UpdateGroupInput = {
  /** Only admins may send. */
  announce?: boolean | null | undefined;
  /** A new description, at most 2048 characters; empty removes it. */
  description?: string | null | undefined;
  /** The instance (a member; an admin for settings, and for the subject and description of a locked group). */
  instanceId: string | number;
  /** The group JID (`…@g.us`). */
  jid: string;
  /** Only admins may change the subject, description and settings. */
  locked?: boolean | null | undefined;
  /** A new subject, 1 to 100 characters. */
  subject?: string | null | undefined;
};

/** Members to add, remove, promote or demote (the instance must be an admin). */
export type UpdateGroupParticipantsInput = {
  /** What to do to each participant. */
  action: GroupParticipantAction;
  /** The instance. */
  instanceId: string | number;
  /** The group JID (`…@g.us`). */
  jid: string;
  /** 1 to 256 phone numbers in international form or user JIDs (`…@s.whatsapp.net`, `…@lid`). */
  participants: Array<string>;
};

/** A new picture for the instance's account (or a group's icon): exactly one of `url` and `file`, an image (JPEG, PNG, GIF, WebP) within MAX_IMAGE_MB. */
export type UpdateProfilePictureInput = {
  /** The image itself, as a part of a multipart request (GraphQL multipart request spec). */
  file?: Blob | null | undefined;
  /** The instance. */
  instanceId: string | number;
  /** A group's JID to set its icon instead (a member; an admin if the group is locked). */
  jid?: string | null | undefined;
  /** Fetch the image from this http(s) URL (private addresses refused unless MEDIA_ALLOW_PRIVATE_URLS=true). */
  url?: string | null | undefined;
};

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

export type ChatsQueryVariables = Exact<{
  instanceId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type ChatsQuery = { chats: { edges: Array<{ cursor: string, node: { instanceId: string, jid: string, isGroup: boolean, name: string | null, unreadCount: number, lastActivityAt: string, archived: boolean | null, mutedUntil: string | null, lastMessage: { id: string, cursor: string, direction: MessageDirection, fromMe: boolean, text: string | null, timestamp: string } } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type KindContentFragment = { id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> };

export type KindReceivedSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type KindReceivedSubscription = { messageReceived: { id: string, type: MessageKind, text: string | null, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, sender: { jid: string, phoneNumber: string | null }, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null } };

export type KindMessageQueryVariables = Exact<{
  instanceId: string | number;
  id: string | number;
}>;


export type KindMessageQuery = { message: { id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } | null };

export type MessageChangedSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type MessageChangedSubscription = { messageChanged: { kind: MessageChangeKind, message: { id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type KindSentFragment = { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } };

export type SendLocationMutationVariables = Exact<{
  input: SendLocationInput;
}>;


export type SendLocationMutation = { sendLocation: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type SendContactMutationVariables = Exact<{
  input: SendContactInput;
}>;


export type SendContactMutation = { sendContact: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type SendPollMutationVariables = Exact<{
  input: SendPollInput;
}>;


export type SendPollMutation = { sendPoll: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type SendReactionMutationVariables = Exact<{
  input: SendReactionInput;
}>;


export type SendReactionMutation = { sendReaction: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type EditMessageMutationVariables = Exact<{
  input: EditMessageInput;
}>;


export type EditMessageMutation = { editMessage: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type DeleteMessageMutationVariables = Exact<{
  input: DeleteMessageInput;
}>;


export type DeleteMessageMutation = { deleteMessage: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type ForwardMessageMutationVariables = Exact<{
  input: ForwardMessageInput;
}>;


export type ForwardMessageMutation = { forwardMessage: { messageId: string, to: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type SendPresenceMutationVariables = Exact<{
  input: SendPresenceInput;
}>;


export type SendPresenceMutation = { sendPresence: boolean };

export type SendReplyMutationVariables = Exact<{
  input: SendTextInput;
}>;


export type SendReplyMutation = { sendText: { messageId: string, message: { status: MessageStatus, id: string, cursor: string, direction: MessageDirection, type: MessageKind, text: string | null, fromMe: boolean, mentions: Array<string>, forwarded: boolean, viewOnce: boolean, ephemeral: boolean, edited: boolean, deleted: boolean, deletedAt: string | null, location: { latitude: number, longitude: number, name: string | null, address: string | null, live: boolean } | null, contacts: Array<{ displayName: string, vcard: string, phoneNumbers: Array<string> }> | null, reaction: { emoji: string, targetId: string } | null, poll: { question: string, options: Array<string>, selectableCount: number } | null, quoted: { id: string, senderJid: string | null, text: string | null } | null, reactions: Array<{ emoji: string, senderJid: string, at: string }>, pollResults: Array<{ option: string, votes: number, voters: Array<string> }> | null, editHistory: Array<{ text: string | null, replacedAt: string }> } } };

export type SendStickerMutationVariables = Exact<{
  input: SendStickerInput;
}>;


export type SendStickerMutation = { sendSticker: { messageId: string, message: { id: string, type: MessageKind, status: MessageStatus } } };

export type PresenceSubscriptionVariables = Exact<{
  instanceId: string | number;
  contacts?: Array<string> | string | null | undefined;
}>;


export type PresenceSubscription = { presence: { chatJid: string, jid: string, state: PresenceState, lastSeen: string | null } };

export type InstanceFieldsFragment = { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null };

export type InstancesQueryVariables = Exact<{ [key: string]: never; }>;


export type InstancesQuery = { instances: Array<{ id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null }> };

export type InstanceQueryVariables = Exact<{
  id: string | number;
}>;


export type InstanceQuery = { instance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null } };

export type CheckNumbersQueryVariables = Exact<{
  instanceId: string | number;
  phoneNumbers: Array<string> | string;
}>;


export type CheckNumbersQuery = { checkNumbers: Array<{ input: string, phoneNumber: string | null, jid: string | null, exists: boolean }> };

export type CreateInstanceMutationVariables = Exact<{
  name: string;
}>;


export type CreateInstanceMutation = { createInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null } };

export type ConnectInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type ConnectInstanceMutation = { connectInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null } };

export type RequestPairingCodeMutationVariables = Exact<{
  id: string | number;
  phoneNumber: string;
}>;


export type RequestPairingCodeMutation = { requestPairingCode: { instanceId: string, code: string } };

export type LogoutInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type LogoutInstanceMutation = { logoutInstance: { id: string, name: string, status: InstanceStatus, phoneNumber: string | null, jid: string | null, lid: string | null, pushName: string | null, reconnectAttempts: number, lastError: string | null, connectedAt: string | null, createdAt: string, qr: { code: string, expiresAt: string } | null } };

export type DeleteInstanceMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteInstanceMutation = { deleteInstance: { id: string } };

export type SendTextMutationVariables = Exact<{
  input: SendTextInput;
}>;


export type SendTextMutation = { sendText: { messageId: string, instanceId: string, to: string, timestamp: string } };

export type SendMediaMutationVariables = Exact<{
  input: SendMediaInput;
}>;


export type SendMediaMutation = { sendMedia: { messageId: string, instanceId: string, to: string, timestamp: string } };

export type QrCodeSubscriptionVariables = Exact<{
  instanceId: string | number;
}>;


export type QrCodeSubscription = { qrCode: { instanceId: string, code: string, pngDataUrl: string, expiresAt: string } };

export type InstanceStatusSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type InstanceStatusSubscription = { instanceStatus: { instanceId: string, status: InstanceStatus, previous: InstanceStatus, reconnectAttempts: number, lastError: string | null, at: string } };

export type MessageReceivedSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type MessageReceivedSubscription = { messageReceived: { id: string, cursor: string, instanceId: string, chatJid: string, fromMe: boolean, isGroup: boolean, type: MessageKind, text: string | null, timestamp: string, sender: { jid: string, lid: string | null, phoneNumber: string | null, pushName: string | null }, media: { kind: MessageKind, mimeType: string, size: number | null, fileName: string | null, caption: string | null, downloadPath: string, downloadUrl: string } | null } };

export type SystemEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type SystemEventsSubscription = { systemEvents: { type: SystemEventKind, message: string, instanceId: string | null, at: string } };

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type LoginMutation = { login: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, username: string, role: Role } } };

export type RefreshTokenMutationVariables = Exact<{
  token: string;
}>;


export type RefreshTokenMutation = { refreshToken: { accessToken: string, refreshToken: string } };

export type LogoutMutationVariables = Exact<{
  refreshToken?: string | null | undefined;
}>;


export type LogoutMutation = { logout: { ok: boolean } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, username: string, role: Role } };

export type UsersQueryVariables = Exact<{ [key: string]: never; }>;


export type UsersQuery = { users: Array<{ id: string, username: string, role: Role }> };

export type CreateUserMutationVariables = Exact<{
  username: string;
  password: string;
  role?: Role | null | undefined;
}>;


export type CreateUserMutation = { createUser: { id: string, username: string, role: Role } };

export type GrantInstanceAccessMutationVariables = Exact<{
  userId: string | number;
  instanceId: string | number;
}>;


export type GrantInstanceAccessMutation = { grantInstanceAccess: { ok: boolean } };

export type RevokeInstanceAccessMutationVariables = Exact<{
  userId: string | number;
  instanceId: string | number;
}>;


export type RevokeInstanceAccessMutation = { revokeInstanceAccess: { ok: boolean } };

export type CreateApiKeyMutationVariables = Exact<{
  name: string;
}>;


export type CreateApiKeyMutation = { createApiKey: { key: string, apiKey: { id: string, name: string, prefix: string } } };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, revokedAt: string | null }> };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, revokedAt: string | null } };

export type PingQueryVariables = Exact<{ [key: string]: never; }>;


export type PingQuery = { __typename: 'Query' };

export type StoredMessageFieldsFragment = { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null };

export type MessageQueryVariables = Exact<{
  instanceId: string | number;
  id: string | number;
}>;


export type MessageQuery = { message: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } | null };

export type MessagesQueryVariables = Exact<{
  instanceId: string | number;
  chatJid?: string | null | undefined;
  direction?: MessageDirection | null | undefined;
  status?: MessageStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type MessagesQuery = { messages: { edges: Array<{ cursor: string, node: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type MarkReadMutationVariables = Exact<{
  instanceId: string | number;
  chatJid: string;
  messageIds?: Array<string | number> | string | number | null | undefined;
}>;


export type MarkReadMutation = { markRead: boolean };

export type MessageStatusSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type MessageStatusSubscription = { messageStatus: { instanceId: string, messageId: string, status: MessageStatus, at: string, message: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } } };

export type MessageReceivedAfterSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
  after?: string | null | undefined;
}>;


export type MessageReceivedAfterSubscription = { messageReceived: { id: string, cursor: string, text: string | null } };

export type WebhookFieldsFragment = { id: string, instanceId: string | null, ownerId: string | null, url: string, events: Array<WebhookEvent>, format: string, createdAt: string, updatedAt: string };

export type WebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhooksQuery = { webhooks: Array<{ id: string, instanceId: string | null, ownerId: string | null, url: string, events: Array<WebhookEvent>, format: string, createdAt: string, updatedAt: string }> };

export type CreateWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type CreateWebhookMutation = { createWebhook: { secret: string, webhook: { id: string, instanceId: string | null, ownerId: string | null, url: string, events: Array<WebhookEvent>, format: string, createdAt: string, updatedAt: string } } };

export type UpdateWebhookMutationVariables = Exact<{
  input: UpdateWebhookInput;
}>;


export type UpdateWebhookMutation = { updateWebhook: { id: string, instanceId: string | null, ownerId: string | null, url: string, events: Array<WebhookEvent>, format: string, createdAt: string, updatedAt: string } };

export type DeleteWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteWebhookMutation = { deleteWebhook: { id: string } };

export type WebhookDeliveriesQueryVariables = Exact<{
  webhookId: string | number;
  status?: DeliveryStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: { edges: Array<{ cursor: string, node: { id: string, webhookId: string, instanceId: string, eventId: string, event: WebhookEvent, status: DeliveryStatus, attempts: number, lastError: string | null, createdAt: string, nextAttemptAt: string | null, failedAt: string | null } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type ReplayWebhookDeliveriesMutationVariables = Exact<{
  webhookId: string | number;
  ids?: Array<string | number> | string | number | null | undefined;
  since?: string | null | undefined;
}>;


export type ReplayWebhookDeliveriesMutation = { replayWebhookDeliveries: { replayed: number } };

export type SendTextStoredMutationVariables = Exact<{
  input: SendTextInput;
}>;


export type SendTextStoredMutation = { sendText: { messageId: string, message: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } } };

export type InstanceHealthQueryVariables = Exact<{
  id: string | number;
}>;


export type InstanceHealthQuery = { instance: { id: string, status: InstanceStatus, health: { state: HealthState, reason: string | null, since: string } | null } };

export type ResumeInstanceQueueMutationVariables = Exact<{
  instanceId: string | number;
}>;


export type ResumeInstanceQueueMutation = { resumeInstanceQueue: boolean };

export type InstanceSendQueuePauseQueryVariables = Exact<{
  id: string | number;
}>;


export type InstanceSendQueuePauseQuery = { instance: { id: string, sendQueuePause: { code: string, message: string, messageId: string | null, pausedAt: string, resumesAt: string | null } | null } };

export type GroupFieldsFragment = { instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> };

export type GroupsQueryVariables = Exact<{
  instanceId: string | number;
}>;


export type GroupsQuery = { groups: Array<{ instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> }> };

export type GroupQueryVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type GroupQuery = { group: { instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> } };

export type GroupInviteLinkQueryVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type GroupInviteLinkQuery = { groupInviteLink: { code: string, url: string } };

export type CreateGroupMutationVariables = Exact<{
  input: CreateGroupInput;
}>;


export type CreateGroupMutation = { createGroup: { group: { instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> }, participants: Array<{ input: string, jid: string, outcome: GroupParticipantOutcome, code: number }> } };

export type UpdateGroupMutationVariables = Exact<{
  input: UpdateGroupInput;
}>;


export type UpdateGroupMutation = { updateGroup: { instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> } };

export type UpdateGroupParticipantsMutationVariables = Exact<{
  input: UpdateGroupParticipantsInput;
}>;


export type UpdateGroupParticipantsMutation = { updateGroupParticipants: Array<{ input: string, jid: string, outcome: GroupParticipantOutcome, code: number }> };

export type RevokeGroupInviteLinkMutationVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type RevokeGroupInviteLinkMutation = { revokeGroupInviteLink: { code: string, url: string } };

export type JoinGroupMutationVariables = Exact<{
  instanceId: string | number;
  inviteCode: string;
}>;


export type JoinGroupMutation = { joinGroup: { instanceId: string, jid: string, subject: string, description: string | null, ownerJid: string | null, ownerPhoneNumber: string | null, createdAt: string | null, announce: boolean, locked: boolean, addressingMode: string, size: number, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null, role: GroupRole }> } };

export type LeaveGroupMutationVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type LeaveGroupMutation = { leaveGroup: string };

export type GroupEventsSubscriptionVariables = Exact<{
  instanceId?: string | number | null | undefined;
}>;


export type GroupEventsSubscription = { groupEvents: { instanceId: string, groupJid: string, type: GroupEventType, subject: string | null, description: string | null, announce: boolean | null, locked: boolean | null, at: string, author: { jid: string, lid: string | null, phoneNumber: string | null } | null, participants: Array<{ jid: string, lid: string | null, phoneNumber: string | null }> } };

export type SendMediaStoredMutationVariables = Exact<{
  input: SendMediaInput;
}>;


export type SendMediaStoredMutation = { sendMedia: { messageId: string, message: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } } };

export type ContactsQueryVariables = Exact<{
  instanceId: string | number;
  search?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ContactsQuery = { contacts: { edges: Array<{ cursor: string, node: { instanceId: string, jid: string, lid: string | null, phoneNumber: string | null, name: string | null, pushName: string | null, verifiedName: string | null, displayName: string, updatedAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CancelMessageMutationVariables = Exact<{
  instanceId: string | number;
  id: string | number;
}>;


export type CancelMessageMutation = { cancelMessage: { id: string, cursor: string, instanceId: string, direction: MessageDirection, chatJid: string, fromMe: boolean, type: MessageKind, text: string | null, status: MessageStatus, idempotencyKey: string | null, statusHistory: Array<{ status: MessageStatus, at: string }>, error: { code: string, message: string } | null } };

export type BroadcastFieldsFragment = { id: string, instanceId: string, status: BroadcastStatus, total: number, scheduled: number, queued: number, sent: number, delivered: number, read: number, failed: number, cancelled: number, createdAt: string, cancelledAt: string | null };

export type CreateBroadcastMutationVariables = Exact<{
  input: CreateBroadcastInput;
}>;


export type CreateBroadcastMutation = { createBroadcast: { id: string, instanceId: string, status: BroadcastStatus, total: number, scheduled: number, queued: number, sent: number, delivered: number, read: number, failed: number, cancelled: number, createdAt: string, cancelledAt: string | null } };

export type BroadcastQueryVariables = Exact<{
  id: string | number;
}>;


export type BroadcastQuery = { broadcast: { id: string, instanceId: string, status: BroadcastStatus, total: number, scheduled: number, queued: number, sent: number, delivered: number, read: number, failed: number, cancelled: number, createdAt: string, cancelledAt: string | null } };

export type CancelBroadcastMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelBroadcastMutation = { cancelBroadcast: { id: string, instanceId: string, status: BroadcastStatus, total: number, scheduled: number, queued: number, sent: number, delivered: number, read: number, failed: number, cancelled: number, createdAt: string, cancelledAt: string | null } };

export type BroadcastProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type BroadcastProgressSubscription = { broadcastProgress: { id: string, instanceId: string, status: BroadcastStatus, total: number, scheduled: number, queued: number, sent: number, delivered: number, read: number, failed: number, cancelled: number, createdAt: string, cancelledAt: string | null } };

export type ProfilePictureQueryVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type ProfilePictureQuery = { profilePicture: string | null };

export type AboutQueryVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type AboutQuery = { about: { jid: string, text: string | null, setAt: string | null } };

export type BlocklistQueryVariables = Exact<{
  instanceId: string | number;
}>;


export type BlocklistQuery = { blocklist: Array<{ jid: string, lid: string | null, phoneNumber: string | null }> };

export type BlockContactMutationVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type BlockContactMutation = { blockContact: Array<{ jid: string, lid: string | null, phoneNumber: string | null }> };

export type UnblockContactMutationVariables = Exact<{
  instanceId: string | number;
  jid: string;
}>;


export type UnblockContactMutation = { unblockContact: Array<{ jid: string, lid: string | null, phoneNumber: string | null }> };

export type UpdateProfileNameMutationVariables = Exact<{
  instanceId: string | number;
  name: string;
}>;


export type UpdateProfileNameMutation = { updateProfileName: string };

export type UpdateProfileStatusMutationVariables = Exact<{
  instanceId: string | number;
  about: string;
}>;


export type UpdateProfileStatusMutation = { updateProfileStatus: string };

export type UpdateProfilePictureMutationVariables = Exact<{
  input: UpdateProfilePictureInput;
}>;


export type UpdateProfilePictureMutation = { updateProfilePicture: string | null };

export type RemoveProfilePictureMutationVariables = Exact<{
  instanceId: string | number;
  jid?: string | null | undefined;
}>;


export type RemoveProfilePictureMutation = { removeProfilePicture: boolean };

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
export const KindContentFragmentDoc = new TypedDocumentString(`
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
    `, {"fragmentName":"KindContent"}) as unknown as TypedDocumentString<KindContentFragment, unknown>;
export const KindSentFragmentDoc = new TypedDocumentString(`
    fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}`, {"fragmentName":"KindSent"}) as unknown as TypedDocumentString<KindSentFragment, unknown>;
export const InstanceFieldsFragmentDoc = new TypedDocumentString(`
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}
    `, {"fragmentName":"InstanceFields"}) as unknown as TypedDocumentString<InstanceFieldsFragment, unknown>;
export const StoredMessageFieldsFragmentDoc = new TypedDocumentString(`
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}
    `, {"fragmentName":"StoredMessageFields"}) as unknown as TypedDocumentString<StoredMessageFieldsFragment, unknown>;
export const WebhookFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookFields on Webhook {
  id
  instanceId
  ownerId
  url
  events
  format
  createdAt
  updatedAt
}
    `, {"fragmentName":"WebhookFields"}) as unknown as TypedDocumentString<WebhookFieldsFragment, unknown>;
export const GroupFieldsFragmentDoc = new TypedDocumentString(`
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}
    `, {"fragmentName":"GroupFields"}) as unknown as TypedDocumentString<GroupFieldsFragment, unknown>;
export const BroadcastFieldsFragmentDoc = new TypedDocumentString(`
    fragment BroadcastFields on Broadcast {
  id
  instanceId
  status
  total
  scheduled
  queued
  sent
  delivered
  read
  failed
  cancelled
  createdAt
  cancelledAt
}
    `, {"fragmentName":"BroadcastFields"}) as unknown as TypedDocumentString<BroadcastFieldsFragment, unknown>;
export const ChatsDocument = new TypedDocumentString(`
    query Chats($instanceId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  chats(
    instanceId: $instanceId
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    edges {
      cursor
      node {
        instanceId
        jid
        isGroup
        name
        unreadCount
        lastActivityAt
        archived
        mutedUntil
        lastMessage {
          id
          cursor
          direction
          fromMe
          text
          timestamp
        }
      }
    }
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ChatsQuery, ChatsQueryVariables>;
export const KindReceivedDocument = new TypedDocumentString(`
    subscription KindReceived($instanceId: ID) {
  messageReceived(instanceId: $instanceId) {
    id
    type
    text
    sender {
      jid
      phoneNumber
    }
    location {
      latitude
      longitude
      name
      address
      live
    }
    contacts {
      displayName
      vcard
      phoneNumbers
    }
    reaction {
      emoji
      targetId
    }
    poll {
      question
      options
      selectableCount
    }
    quoted {
      id
      senderJid
      text
    }
    mentions
    forwarded
    viewOnce
    ephemeral
  }
}
    `) as unknown as TypedDocumentString<KindReceivedSubscription, KindReceivedSubscriptionVariables>;
export const KindMessageDocument = new TypedDocumentString(`
    query KindMessage($instanceId: ID!, $id: ID!) {
  message(instanceId: $instanceId, id: $id) {
    ...KindContent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}`) as unknown as TypedDocumentString<KindMessageQuery, KindMessageQueryVariables>;
export const MessageChangedDocument = new TypedDocumentString(`
    subscription MessageChanged($instanceId: ID) {
  messageChanged(instanceId: $instanceId) {
    kind
    message {
      ...KindContent
    }
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}`) as unknown as TypedDocumentString<MessageChangedSubscription, MessageChangedSubscriptionVariables>;
export const SendLocationDocument = new TypedDocumentString(`
    mutation SendLocation($input: SendLocationInput!) {
  sendLocation(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<SendLocationMutation, SendLocationMutationVariables>;
export const SendContactDocument = new TypedDocumentString(`
    mutation SendContact($input: SendContactInput!) {
  sendContact(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<SendContactMutation, SendContactMutationVariables>;
export const SendPollDocument = new TypedDocumentString(`
    mutation SendPoll($input: SendPollInput!) {
  sendPoll(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<SendPollMutation, SendPollMutationVariables>;
export const SendReactionDocument = new TypedDocumentString(`
    mutation SendReaction($input: SendReactionInput!) {
  sendReaction(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<SendReactionMutation, SendReactionMutationVariables>;
export const EditMessageDocument = new TypedDocumentString(`
    mutation EditMessage($input: EditMessageInput!) {
  editMessage(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<EditMessageMutation, EditMessageMutationVariables>;
export const DeleteMessageDocument = new TypedDocumentString(`
    mutation DeleteMessage($input: DeleteMessageInput!) {
  deleteMessage(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<DeleteMessageMutation, DeleteMessageMutationVariables>;
export const ForwardMessageDocument = new TypedDocumentString(`
    mutation ForwardMessage($input: ForwardMessageInput!) {
  forwardMessage(input: $input) {
    ...KindSent
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}
fragment KindSent on SendMessageResult {
  messageId
  to
  message {
    ...KindContent
    status
  }
}`) as unknown as TypedDocumentString<ForwardMessageMutation, ForwardMessageMutationVariables>;
export const SendPresenceDocument = new TypedDocumentString(`
    mutation SendPresence($input: SendPresenceInput!) {
  sendPresence(input: $input)
}
    `) as unknown as TypedDocumentString<SendPresenceMutation, SendPresenceMutationVariables>;
export const SendReplyDocument = new TypedDocumentString(`
    mutation SendReply($input: SendTextInput!) {
  sendText(input: $input) {
    messageId
    message {
      ...KindContent
      status
    }
  }
}
    fragment KindContent on Message {
  id
  cursor
  direction
  type
  text
  fromMe
  location {
    latitude
    longitude
    name
    address
    live
  }
  contacts {
    displayName
    vcard
    phoneNumbers
  }
  reaction {
    emoji
    targetId
  }
  poll {
    question
    options
    selectableCount
  }
  quoted {
    id
    senderJid
    text
  }
  mentions
  forwarded
  viewOnce
  ephemeral
  reactions {
    emoji
    senderJid
    at
  }
  pollResults {
    option
    votes
    voters
  }
  edited
  editHistory {
    text
    replacedAt
  }
  deleted
  deletedAt
}`) as unknown as TypedDocumentString<SendReplyMutation, SendReplyMutationVariables>;
export const SendStickerDocument = new TypedDocumentString(`
    mutation SendSticker($input: SendStickerInput!) {
  sendSticker(input: $input) {
    messageId
    message {
      id
      type
      status
    }
  }
}
    `) as unknown as TypedDocumentString<SendStickerMutation, SendStickerMutationVariables>;
export const PresenceDocument = new TypedDocumentString(`
    subscription Presence($instanceId: ID!, $contacts: [String!]) {
  presence(instanceId: $instanceId, contacts: $contacts) {
    chatJid
    jid
    state
    lastSeen
  }
}
    `) as unknown as TypedDocumentString<PresenceSubscription, PresenceSubscriptionVariables>;
export const InstancesDocument = new TypedDocumentString(`
    query Instances {
  instances {
    ...InstanceFields
  }
}
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}`) as unknown as TypedDocumentString<InstancesQuery, InstancesQueryVariables>;
export const InstanceDocument = new TypedDocumentString(`
    query Instance($id: ID!) {
  instance(id: $id) {
    ...InstanceFields
  }
}
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}`) as unknown as TypedDocumentString<InstanceQuery, InstanceQueryVariables>;
export const CheckNumbersDocument = new TypedDocumentString(`
    query CheckNumbers($instanceId: ID!, $phoneNumbers: [String!]!) {
  checkNumbers(instanceId: $instanceId, phoneNumbers: $phoneNumbers) {
    input
    phoneNumber
    jid
    exists
  }
}
    `) as unknown as TypedDocumentString<CheckNumbersQuery, CheckNumbersQueryVariables>;
export const CreateInstanceDocument = new TypedDocumentString(`
    mutation CreateInstance($name: String!) {
  createInstance(input: {name: $name}) {
    ...InstanceFields
  }
}
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}`) as unknown as TypedDocumentString<CreateInstanceMutation, CreateInstanceMutationVariables>;
export const ConnectInstanceDocument = new TypedDocumentString(`
    mutation ConnectInstance($id: ID!) {
  connectInstance(id: $id) {
    ...InstanceFields
  }
}
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}`) as unknown as TypedDocumentString<ConnectInstanceMutation, ConnectInstanceMutationVariables>;
export const RequestPairingCodeDocument = new TypedDocumentString(`
    mutation RequestPairingCode($id: ID!, $phoneNumber: String!) {
  requestPairingCode(id: $id, phoneNumber: $phoneNumber) {
    instanceId
    code
  }
}
    `) as unknown as TypedDocumentString<RequestPairingCodeMutation, RequestPairingCodeMutationVariables>;
export const LogoutInstanceDocument = new TypedDocumentString(`
    mutation LogoutInstance($id: ID!) {
  logoutInstance(id: $id) {
    ...InstanceFields
  }
}
    fragment InstanceFields on Instance {
  id
  name
  status
  phoneNumber
  jid
  lid
  pushName
  reconnectAttempts
  lastError
  connectedAt
  createdAt
  qr {
    code
    expiresAt
  }
}`) as unknown as TypedDocumentString<LogoutInstanceMutation, LogoutInstanceMutationVariables>;
export const DeleteInstanceDocument = new TypedDocumentString(`
    mutation DeleteInstance($id: ID!) {
  deleteInstance(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<DeleteInstanceMutation, DeleteInstanceMutationVariables>;
export const SendTextDocument = new TypedDocumentString(`
    mutation SendText($input: SendTextInput!) {
  sendText(input: $input) {
    messageId
    instanceId
    to
    timestamp
  }
}
    `) as unknown as TypedDocumentString<SendTextMutation, SendTextMutationVariables>;
export const SendMediaDocument = new TypedDocumentString(`
    mutation SendMedia($input: SendMediaInput!) {
  sendMedia(input: $input) {
    messageId
    instanceId
    to
    timestamp
  }
}
    `) as unknown as TypedDocumentString<SendMediaMutation, SendMediaMutationVariables>;
export const QrCodeDocument = new TypedDocumentString(`
    subscription QrCode($instanceId: ID!) {
  qrCode(instanceId: $instanceId) {
    instanceId
    code
    pngDataUrl
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<QrCodeSubscription, QrCodeSubscriptionVariables>;
export const InstanceStatusDocument = new TypedDocumentString(`
    subscription InstanceStatus($instanceId: ID) {
  instanceStatus(instanceId: $instanceId) {
    instanceId
    status
    previous
    reconnectAttempts
    lastError
    at
  }
}
    `) as unknown as TypedDocumentString<InstanceStatusSubscription, InstanceStatusSubscriptionVariables>;
export const MessageReceivedDocument = new TypedDocumentString(`
    subscription MessageReceived($instanceId: ID) {
  messageReceived(instanceId: $instanceId) {
    id
    cursor
    instanceId
    chatJid
    fromMe
    isGroup
    type
    text
    timestamp
    sender {
      jid
      lid
      phoneNumber
      pushName
    }
    media {
      kind
      mimeType
      size
      fileName
      caption
      downloadPath
      downloadUrl
    }
  }
}
    `) as unknown as TypedDocumentString<MessageReceivedSubscription, MessageReceivedSubscriptionVariables>;
export const SystemEventsDocument = new TypedDocumentString(`
    subscription SystemEvents {
  systemEvents {
    type
    message
    instanceId
    at
  }
}
    `) as unknown as TypedDocumentString<SystemEventsSubscription, SystemEventsSubscriptionVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    user {
      id
      username
      role
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const RefreshTokenDocument = new TypedDocumentString(`
    mutation RefreshToken($token: String!) {
  refreshToken(token: $token) {
    accessToken
    refreshToken
  }
}
    `) as unknown as TypedDocumentString<RefreshTokenMutation, RefreshTokenMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout($refreshToken: String) {
  logout(refreshToken: $refreshToken) {
    ok
  }
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    username
    role
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const UsersDocument = new TypedDocumentString(`
    query Users {
  users {
    id
    username
    role
  }
}
    `) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const CreateUserDocument = new TypedDocumentString(`
    mutation CreateUser($username: String!, $password: String!, $role: Role) {
  createUser(username: $username, password: $password, role: $role) {
    id
    username
    role
  }
}
    `) as unknown as TypedDocumentString<CreateUserMutation, CreateUserMutationVariables>;
export const GrantInstanceAccessDocument = new TypedDocumentString(`
    mutation GrantInstanceAccess($userId: ID!, $instanceId: ID!) {
  grantInstanceAccess(userId: $userId, instanceId: $instanceId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<GrantInstanceAccessMutation, GrantInstanceAccessMutationVariables>;
export const RevokeInstanceAccessDocument = new TypedDocumentString(`
    mutation RevokeInstanceAccess($userId: ID!, $instanceId: ID!) {
  revokeInstanceAccess(userId: $userId, instanceId: $instanceId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<RevokeInstanceAccessMutation, RevokeInstanceAccessMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($name: String!) {
  createApiKey(name: $name) {
    key
    apiKey {
      id
      name
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    id
    name
    prefix
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const PingDocument = new TypedDocumentString(`
    query Ping {
  __typename
}
    `) as unknown as TypedDocumentString<PingQuery, PingQueryVariables>;
export const MessageDocument = new TypedDocumentString(`
    query Message($instanceId: ID!, $id: ID!) {
  message(instanceId: $instanceId, id: $id) {
    ...StoredMessageFields
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<MessageQuery, MessageQueryVariables>;
export const MessagesDocument = new TypedDocumentString(`
    query Messages($instanceId: ID!, $chatJid: String, $direction: MessageDirection, $status: MessageStatus, $first: Int, $after: String, $last: Int, $before: String) {
  messages(
    instanceId: $instanceId
    chatJid: $chatJid
    direction: $direction
    status: $status
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    edges {
      cursor
      node {
        ...StoredMessageFields
      }
    }
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<MessagesQuery, MessagesQueryVariables>;
export const MarkReadDocument = new TypedDocumentString(`
    mutation MarkRead($instanceId: ID!, $chatJid: String!, $messageIds: [ID!]) {
  markRead(instanceId: $instanceId, chatJid: $chatJid, messageIds: $messageIds)
}
    `) as unknown as TypedDocumentString<MarkReadMutation, MarkReadMutationVariables>;
export const MessageStatusDocument = new TypedDocumentString(`
    subscription MessageStatus($instanceId: ID) {
  messageStatus(instanceId: $instanceId) {
    instanceId
    messageId
    status
    at
    message {
      ...StoredMessageFields
    }
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<MessageStatusSubscription, MessageStatusSubscriptionVariables>;
export const MessageReceivedAfterDocument = new TypedDocumentString(`
    subscription MessageReceivedAfter($instanceId: ID, $after: String) {
  messageReceived(instanceId: $instanceId, after: $after) {
    id
    cursor
    text
  }
}
    `) as unknown as TypedDocumentString<MessageReceivedAfterSubscription, MessageReceivedAfterSubscriptionVariables>;
export const WebhooksDocument = new TypedDocumentString(`
    query Webhooks {
  webhooks {
    ...WebhookFields
  }
}
    fragment WebhookFields on Webhook {
  id
  instanceId
  ownerId
  url
  events
  format
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<WebhooksQuery, WebhooksQueryVariables>;
export const CreateWebhookDocument = new TypedDocumentString(`
    mutation CreateWebhook($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    secret
    webhook {
      ...WebhookFields
    }
  }
}
    fragment WebhookFields on Webhook {
  id
  instanceId
  ownerId
  url
  events
  format
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateWebhookMutation, CreateWebhookMutationVariables>;
export const UpdateWebhookDocument = new TypedDocumentString(`
    mutation UpdateWebhook($input: UpdateWebhookInput!) {
  updateWebhook(input: $input) {
    ...WebhookFields
  }
}
    fragment WebhookFields on Webhook {
  id
  instanceId
  ownerId
  url
  events
  format
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateWebhookMutation, UpdateWebhookMutationVariables>;
export const DeleteWebhookDocument = new TypedDocumentString(`
    mutation DeleteWebhook($id: ID!) {
  deleteWebhook(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<DeleteWebhookMutation, DeleteWebhookMutationVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($webhookId: ID!, $status: DeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(
    webhookId: $webhookId
    status: $status
    first: $first
    after: $after
  ) {
    edges {
      cursor
      node {
        id
        webhookId
        instanceId
        eventId
        event
        status
        attempts
        lastError
        createdAt
        nextAttemptAt
        failedAt
      }
    }
    pageInfo {
      hasNextPage
      hasPreviousPage
      startCursor
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;
export const ReplayWebhookDeliveriesDocument = new TypedDocumentString(`
    mutation ReplayWebhookDeliveries($webhookId: ID!, $ids: [ID!], $since: DateTime) {
  replayWebhookDeliveries(webhookId: $webhookId, ids: $ids, since: $since) {
    replayed
  }
}
    `) as unknown as TypedDocumentString<ReplayWebhookDeliveriesMutation, ReplayWebhookDeliveriesMutationVariables>;
export const SendTextStoredDocument = new TypedDocumentString(`
    mutation SendTextStored($input: SendTextInput!) {
  sendText(input: $input) {
    messageId
    message {
      ...StoredMessageFields
    }
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<SendTextStoredMutation, SendTextStoredMutationVariables>;
export const InstanceHealthDocument = new TypedDocumentString(`
    query InstanceHealth($id: ID!) {
  instance(id: $id) {
    id
    status
    health {
      state
      reason
      since
    }
  }
}
    `) as unknown as TypedDocumentString<InstanceHealthQuery, InstanceHealthQueryVariables>;
export const ResumeInstanceQueueDocument = new TypedDocumentString(`
    mutation ResumeInstanceQueue($instanceId: ID!) {
  resumeInstanceQueue(instanceId: $instanceId)
}
    `) as unknown as TypedDocumentString<ResumeInstanceQueueMutation, ResumeInstanceQueueMutationVariables>;
export const InstanceSendQueuePauseDocument = new TypedDocumentString(`
    query InstanceSendQueuePause($id: ID!) {
  instance(id: $id) {
    id
    sendQueuePause {
      code
      message
      messageId
      pausedAt
      resumesAt
    }
  }
}
    `) as unknown as TypedDocumentString<InstanceSendQueuePauseQuery, InstanceSendQueuePauseQueryVariables>;
export const GroupsDocument = new TypedDocumentString(`
    query Groups($instanceId: ID!) {
  groups(instanceId: $instanceId) {
    ...GroupFields
  }
}
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}`) as unknown as TypedDocumentString<GroupsQuery, GroupsQueryVariables>;
export const GroupDocument = new TypedDocumentString(`
    query Group($instanceId: ID!, $jid: String!) {
  group(instanceId: $instanceId, jid: $jid) {
    ...GroupFields
  }
}
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}`) as unknown as TypedDocumentString<GroupQuery, GroupQueryVariables>;
export const GroupInviteLinkDocument = new TypedDocumentString(`
    query GroupInviteLink($instanceId: ID!, $jid: String!) {
  groupInviteLink(instanceId: $instanceId, jid: $jid) {
    code
    url
  }
}
    `) as unknown as TypedDocumentString<GroupInviteLinkQuery, GroupInviteLinkQueryVariables>;
export const CreateGroupDocument = new TypedDocumentString(`
    mutation CreateGroup($input: CreateGroupInput!) {
  createGroup(input: $input) {
    group {
      ...GroupFields
    }
    participants {
      input
      jid
      outcome
      code
    }
  }
}
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}`) as unknown as TypedDocumentString<CreateGroupMutation, CreateGroupMutationVariables>;
export const UpdateGroupDocument = new TypedDocumentString(`
    mutation UpdateGroup($input: UpdateGroupInput!) {
  updateGroup(input: $input) {
    ...GroupFields
  }
}
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}`) as unknown as TypedDocumentString<UpdateGroupMutation, UpdateGroupMutationVariables>;
export const UpdateGroupParticipantsDocument = new TypedDocumentString(`
    mutation UpdateGroupParticipants($input: UpdateGroupParticipantsInput!) {
  updateGroupParticipants(input: $input) {
    input
    jid
    outcome
    code
  }
}
    `) as unknown as TypedDocumentString<UpdateGroupParticipantsMutation, UpdateGroupParticipantsMutationVariables>;
export const RevokeGroupInviteLinkDocument = new TypedDocumentString(`
    mutation RevokeGroupInviteLink($instanceId: ID!, $jid: String!) {
  revokeGroupInviteLink(instanceId: $instanceId, jid: $jid) {
    code
    url
  }
}
    `) as unknown as TypedDocumentString<RevokeGroupInviteLinkMutation, RevokeGroupInviteLinkMutationVariables>;
export const JoinGroupDocument = new TypedDocumentString(`
    mutation JoinGroup($instanceId: ID!, $inviteCode: String!) {
  joinGroup(instanceId: $instanceId, inviteCode: $inviteCode) {
    ...GroupFields
  }
}
    fragment GroupFields on Group {
  instanceId
  jid
  subject
  description
  ownerJid
  ownerPhoneNumber
  createdAt
  announce
  locked
  addressingMode
  size
  participants {
    jid
    lid
    phoneNumber
    role
  }
}`) as unknown as TypedDocumentString<JoinGroupMutation, JoinGroupMutationVariables>;
export const LeaveGroupDocument = new TypedDocumentString(`
    mutation LeaveGroup($instanceId: ID!, $jid: String!) {
  leaveGroup(instanceId: $instanceId, jid: $jid)
}
    `) as unknown as TypedDocumentString<LeaveGroupMutation, LeaveGroupMutationVariables>;
export const GroupEventsDocument = new TypedDocumentString(`
    subscription GroupEvents($instanceId: ID) {
  groupEvents(instanceId: $instanceId) {
    instanceId
    groupJid
    type
    author {
      jid
      lid
      phoneNumber
    }
    participants {
      jid
      lid
      phoneNumber
    }
    subject
    description
    announce
    locked
    at
  }
}
    `) as unknown as TypedDocumentString<GroupEventsSubscription, GroupEventsSubscriptionVariables>;
export const SendMediaStoredDocument = new TypedDocumentString(`
    mutation SendMediaStored($input: SendMediaInput!) {
  sendMedia(input: $input) {
    messageId
    message {
      ...StoredMessageFields
    }
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<SendMediaStoredMutation, SendMediaStoredMutationVariables>;
export const ContactsDocument = new TypedDocumentString(`
    query Contacts($instanceId: ID!, $search: String, $first: Int, $after: String) {
  contacts(instanceId: $instanceId, search: $search, first: $first, after: $after) {
    edges {
      cursor
      node {
        instanceId
        jid
        lid
        phoneNumber
        name
        pushName
        verifiedName
        displayName
        updatedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ContactsQuery, ContactsQueryVariables>;
export const CancelMessageDocument = new TypedDocumentString(`
    mutation CancelMessage($instanceId: ID!, $id: ID!) {
  cancelMessage(instanceId: $instanceId, id: $id) {
    ...StoredMessageFields
  }
}
    fragment StoredMessageFields on Message {
  id
  cursor
  instanceId
  direction
  chatJid
  fromMe
  type
  text
  status
  statusHistory {
    status
    at
  }
  error {
    code
    message
  }
  idempotencyKey
}`) as unknown as TypedDocumentString<CancelMessageMutation, CancelMessageMutationVariables>;
export const CreateBroadcastDocument = new TypedDocumentString(`
    mutation CreateBroadcast($input: CreateBroadcastInput!) {
  createBroadcast(input: $input) {
    ...BroadcastFields
  }
}
    fragment BroadcastFields on Broadcast {
  id
  instanceId
  status
  total
  scheduled
  queued
  sent
  delivered
  read
  failed
  cancelled
  createdAt
  cancelledAt
}`) as unknown as TypedDocumentString<CreateBroadcastMutation, CreateBroadcastMutationVariables>;
export const BroadcastDocument = new TypedDocumentString(`
    query Broadcast($id: ID!) {
  broadcast(id: $id) {
    ...BroadcastFields
  }
}
    fragment BroadcastFields on Broadcast {
  id
  instanceId
  status
  total
  scheduled
  queued
  sent
  delivered
  read
  failed
  cancelled
  createdAt
  cancelledAt
}`) as unknown as TypedDocumentString<BroadcastQuery, BroadcastQueryVariables>;
export const CancelBroadcastDocument = new TypedDocumentString(`
    mutation CancelBroadcast($id: ID!) {
  cancelBroadcast(id: $id) {
    ...BroadcastFields
  }
}
    fragment BroadcastFields on Broadcast {
  id
  instanceId
  status
  total
  scheduled
  queued
  sent
  delivered
  read
  failed
  cancelled
  createdAt
  cancelledAt
}`) as unknown as TypedDocumentString<CancelBroadcastMutation, CancelBroadcastMutationVariables>;
export const BroadcastProgressDocument = new TypedDocumentString(`
    subscription BroadcastProgress($id: ID!) {
  broadcastProgress(id: $id) {
    ...BroadcastFields
  }
}
    fragment BroadcastFields on Broadcast {
  id
  instanceId
  status
  total
  scheduled
  queued
  sent
  delivered
  read
  failed
  cancelled
  createdAt
  cancelledAt
}`) as unknown as TypedDocumentString<BroadcastProgressSubscription, BroadcastProgressSubscriptionVariables>;
export const ProfilePictureDocument = new TypedDocumentString(`
    query ProfilePicture($instanceId: ID!, $jid: String!) {
  profilePicture(instanceId: $instanceId, jid: $jid)
}
    `) as unknown as TypedDocumentString<ProfilePictureQuery, ProfilePictureQueryVariables>;
export const AboutDocument = new TypedDocumentString(`
    query About($instanceId: ID!, $jid: String!) {
  about(instanceId: $instanceId, jid: $jid) {
    jid
    text
    setAt
  }
}
    `) as unknown as TypedDocumentString<AboutQuery, AboutQueryVariables>;
export const BlocklistDocument = new TypedDocumentString(`
    query Blocklist($instanceId: ID!) {
  blocklist(instanceId: $instanceId) {
    jid
    lid
    phoneNumber
  }
}
    `) as unknown as TypedDocumentString<BlocklistQuery, BlocklistQueryVariables>;
export const BlockContactDocument = new TypedDocumentString(`
    mutation BlockContact($instanceId: ID!, $jid: String!) {
  blockContact(instanceId: $instanceId, jid: $jid) {
    jid
    lid
    phoneNumber
  }
}
    `) as unknown as TypedDocumentString<BlockContactMutation, BlockContactMutationVariables>;
export const UnblockContactDocument = new TypedDocumentString(`
    mutation UnblockContact($instanceId: ID!, $jid: String!) {
  unblockContact(instanceId: $instanceId, jid: $jid) {
    jid
    lid
    phoneNumber
  }
}
    `) as unknown as TypedDocumentString<UnblockContactMutation, UnblockContactMutationVariables>;
export const UpdateProfileNameDocument = new TypedDocumentString(`
    mutation UpdateProfileName($instanceId: ID!, $name: String!) {
  updateProfileName(instanceId: $instanceId, name: $name)
}
    `) as unknown as TypedDocumentString<UpdateProfileNameMutation, UpdateProfileNameMutationVariables>;
export const UpdateProfileStatusDocument = new TypedDocumentString(`
    mutation UpdateProfileStatus($instanceId: ID!, $about: String!) {
  updateProfileStatus(instanceId: $instanceId, about: $about)
}
    `) as unknown as TypedDocumentString<UpdateProfileStatusMutation, UpdateProfileStatusMutationVariables>;
export const UpdateProfilePictureDocument = new TypedDocumentString(`
    mutation UpdateProfilePicture($input: UpdateProfilePictureInput!) {
  updateProfilePicture(input: $input)
}
    `) as unknown as TypedDocumentString<UpdateProfilePictureMutation, UpdateProfilePictureMutationVariables>;
export const RemoveProfilePictureDocument = new TypedDocumentString(`
    mutation RemoveProfilePicture($instanceId: ID!, $jid: String) {
  removeProfilePicture(instanceId: $instanceId, jid: $jid)
}
    `) as unknown as TypedDocumentString<RemoveProfilePictureMutation, RemoveProfilePictureMutationVariables>;