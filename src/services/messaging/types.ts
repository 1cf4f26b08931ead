import type { MediaSource, SendMediaKind } from './media/media-sender.ts';
import type { Sniffed } from './media/sniff.ts';

export type { MediaSource, SendMediaKind };

export type MessageKind = 'TEXT' | 'IMAGE' | 'VIDEO' | 'AUDIO' | 'VOICE' | 'DOCUMENT' | 'STICKER' | 'LOCATION' | 'CONTACT' | 'REACTION' | 'POLL' | 'EDIT' | 'REVOKE' | 'OTHER';

/** What a message carries beyond text and media, per kind; absent fields do not apply. */
export interface MessageDetails {
  location?: { latitude: number; longitude: number; name: string | null; address: string | null; live: boolean };
  contacts?: Array<{ displayName: string; vcard: string; phoneNumbers: string[] }>;
  /** An empty emoji removes the sender's reaction. */
  reaction?: { emoji: string; targetId: string };
  poll?: { question: string; options: string[]; selectableCount: number };
  /** The message this one replies to, as WhatsApp sent it along. */
  quoted?: { id: string; senderJid: string | null; text: string | null };
  mentions?: string[];
  forwarded?: boolean;
  viewOnce?: boolean;
  ephemeral?: boolean;
}

/** One person's current reaction to a stored message. */
export interface MessageReaction {
  emoji: string;
  senderJid: string;
  at: Date;
}

/** One option of a stored poll and who chose it (decrypted votes, each voter's latest). */
export interface PollOptionResult {
  option: string;
  voters: string[];
}

/** How a stored message changed after it arrived. */
export interface MessageHistory {
  /** Former texts, oldest first, with when each was replaced. */
  edits: Array<{ text: string | null; replacedAt: Date }>;
  deletedAt: Date | null;
}

export interface Contact {
  /** The chat/user JID as WhatsApp addressed it (PN `…@s.whatsapp.net` or LID `…@lid`). */
  jid: string;
  lid: string | null;
  /** Digits only, when known. */
  phoneNumber: string | null;
  pushName: string | null;
}

/** A group the instance's account is in. */
export interface GroupInfo {
  jid: string;
  subject: string;
  description: string | null;
  participantCount: number;
  ownerJid: string | null;
  createdAt: Date | null;
}

export interface IncomingMessage {
  id: string;
  instanceId: string;
  chatJid: string;
  sender: Contact;
  fromMe: boolean;
  isGroup: boolean;
  type: MessageKind;
  /** conversation, extended text or a media caption. */
  text: string | null;
  timestamp: Date;
  /** Set for image, video, audio, voice, document and sticker messages. */
  media: MediaInfo | null;
  /** Location, contacts, reaction, poll, quote, mentions, forwarded/view-once/ephemeral flags. */
  details: MessageDetails;
  /** A poll's secret (base64), which its votes are encrypted with; stored, never shown. */
  secret?: string | null;
}

/** An edit, a delete or a poll vote from WhatsApp: it changes a stored message. */
export interface IncomingChange {
  instanceId: string;
  /** The WhatsApp id of the message that makes the change (the edit, revoke or vote itself). */
  id: string;
  chatJid: string;
  /** Who made the change. */
  sender: Contact;
  fromMe: boolean;
  /** The account's own JIDs (phone number, LID): the author of its polls. */
  selfJids: string[];
  change: import('./message-content.ts').MessageChange;
}

/** What the session hands the ledger for each message WhatsApp delivered. */
export type Inbound = { message: IncomingMessage } | { change: IncomingChange };

export type MessageDirection = 'INBOUND' | 'OUTBOUND';
export type MessageStatus = 'SCHEDULED' | 'QUEUED' | 'SENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'PLAYED' | 'FAILED' | 'CANCELLED' | 'RECEIVED';

/**
 * A message as the ledger stored it: what every consumer (subscriptions, legacy sockets, webhooks)
 * reads, never the raw Baileys event. INBOUND = arrived over the socket (from others, or from the
 * account's own phone: `fromMe`); OUTBOUND = sent through this gateway.
 */
export interface StoredMessage extends IncomingMessage {
  /** The ledger sequence number as a string: opaque, ordered, resumable (`messageReceived(after:)`). */
  cursor: string;
  direction: MessageDirection;
  status: MessageStatus;
  /** When each status was reached. */
  statusTimes: Partial<Record<MessageStatus, Date>>;
  /** Why a send FAILED: a stable code (`EXPIRED`, `INSTANCE_LOGGED_OUT`, `SEND_FAILED`, …) and a message. */
  errorCode: string | null;
  errorMessage: string | null;
  quotedId: string | null;
  idempotencyKey: string | null;
  /** When the ledger stored it. */
  storedAt: Date;
  reactions: MessageReaction[];
  /** Polls: each option and its voters. */
  pollResults: PollOptionResult[] | null;
  history: MessageHistory;
}

/** A stored message changed status (from WhatsApp's ack or receipts, or the send queue). */
export interface MessageStatusEvent {
  instanceId: string;
  messageId: string;
  status: MessageStatus;
  at: Date;
  /** The message after the change. */
  message: StoredMessage;
}

export interface MediaInfo {
  kind: MessageKind;
  mimeType: string;
  /** Bytes, when the sender said. */
  size: number | null;
  fileName: string | null;
  caption: string | null;
}

export interface MediaDownload {
  stream: import('node:stream').Readable;
  mimeType: string;
  size: number | null;
  fileName: string | null;
}

export interface SendTextInput {
  /** Exactly one of instanceId / fromPhoneNumber. */
  instanceId?: string;
  fromPhoneNumber?: string;
  to: string;
  text: string;
  /** Shows "typing…" to the recipient for this long before sending (legacy REST's typing simulation). */
  typingMs?: number;
  /** The same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string;
  /** Not before this time: the message stays SCHEDULED until then (a past time sends now). */
  sendAt?: Date;
  /** A reply (the quoted message, resolved from the ledger), mentions. */
  context?: import('./outbound-content.ts').OutboundContext;
}

export interface SendMediaInput {
  /** Exactly one of instanceId / fromPhoneNumber. */
  instanceId?: string;
  fromPhoneNumber?: string;
  to: string;
  kind: SendMediaKind;
  /** Exactly one of url / stream. */
  source: MediaSource;
  caption?: string;
  /** Shown for documents. */
  fileName?: string;
  /** Optional; must agree with the bytes. */
  mimeType?: string;
  /** Shows "typing…" to the recipient for this long before sending. */
  typingMs?: number;
  /** The same key on the same instance returns the first call's message and never sends again. */
  idempotencyKey?: string;
  /** Not before this time: the message (its file kept meanwhile) stays SCHEDULED until then. */
  sendAt?: Date;
  /** A reply (the quoted message, resolved from the ledger), mentions. */
  context?: import('./outbound-content.ts').OutboundContext;
}

/** A queued media send as its row keeps it (`content.outbox.media`): enough to send the kept file again. */
export interface OutboxMedia {
  /** The file's name in the media outbox (DATA_DIR/outbox). */
  file: string;
  kind: SendMediaKind;
  type: Sniffed;
  caption: string | null;
  fileName: string | null;
}

export interface SendResult {
  messageId: string;
  instanceId: string;
  /** The JID the message went to. */
  to: string;
  timestamp: Date;
  /** Media sends: what was sent. */
  media?: { size: number; fileName: string | null; mimeType: string };
  /** The ledger row, with its status (set by the send queue, which every transport uses). */
  message?: StoredMessage;
}

export interface NumberCheck {
  input: string;
  /** Normalised digits, or null when the input is not a valid phone number. */
  phoneNumber: string | null;
  jid: string | null;
  exists: boolean;
}

export type PresenceState = 'COMPOSING' | 'RECORDING' | 'PAUSED' | 'AVAILABLE' | 'UNAVAILABLE';

/** A contact's presence or chat state, as WhatsApp reported it (not stored). */
export interface PresenceEvent {
  instanceId: string;
  /** The chat it is about (the contact, or the group they type in). */
  chatJid: string;
  /** The contact. */
  jid: string;
  state: PresenceState;
  /** When the contact was last online, when WhatsApp said. */
  lastSeen: Date | null;
  at: Date;
}

/** A stored message changed after it was stored. */
export interface MessageChangedEvent {
  kind: 'EDITED' | 'DELETED' | 'UPDATED';
  message: StoredMessage;
  /**
   * The WhatsApp id of the message that made the change (an edit, revoke, reaction or poll vote):
   * the same when WhatsApp delivers it again. Null for a delete in this ledger only.
   */
  causeId: string | null;
}
