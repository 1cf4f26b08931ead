export type GroupRole = 'SUPERADMIN' | 'ADMIN' | 'MEMBER';

/** A member of a group, with both addressing forms when WhatsApp gave them. */
export interface GroupMember {
  /** As the group addresses the member (`…@lid` in LID-addressed groups, else `…@s.whatsapp.net`). */
  jid: string;
  lid: string | null;
  /** Digits, when known. */
  phoneNumber: string | null;
  role: GroupRole;
}

export interface GroupView {
  instanceId: string;
  jid: string;
  subject: string;
  description: string | null;
  /** The creator's jid and number, when WhatsApp said. */
  ownerJid: string | null;
  ownerPhoneNumber: string | null;
  createdAt: Date | null;
  /** Only admins may send. */
  announce: boolean;
  /** Only admins may change the subject, description and settings. */
  locked: boolean;
  addressingMode: 'LID' | 'PN';
  size: number;
  participants: GroupMember[];
}

export type ParticipantAction = 'ADD' | 'REMOVE' | 'PROMOTE' | 'DEMOTE';

/** What WhatsApp answered for one participant of a create or participants change. */
export type ParticipantOutcome = 'OK' | 'NOT_ON_WHATSAPP' | 'ALREADY_MEMBER' | 'NOT_A_MEMBER' | 'NOT_ALLOWED' | 'REFUSED';

export interface ParticipantResult {
  /** The participant as the caller gave it. */
  input: string;
  /** The jid it was sent as. */
  jid: string;
  outcome: ParticipantOutcome;
  /** WhatsApp's per-participant code (200 when done). */
  code: number;
}

export interface CreateGroupResult {
  group: GroupView;
  /** One per requested participant: OK when they are in the new group. */
  participants: ParticipantResult[];
}

export interface GroupInvite {
  code: string;
  /** `https://chat.whatsapp.com/<code>`. */
  url: string;
}

export type GroupEventType =
  | 'JOINED'
  | 'PARTICIPANTS_ADDED'
  | 'PARTICIPANTS_REMOVED'
  | 'PARTICIPANTS_PROMOTED'
  | 'PARTICIPANTS_DEMOTED'
  | 'SUBJECT_CHANGED'
  | 'DESCRIPTION_CHANGED'
  | 'SETTINGS_CHANGED'
  | 'INVITE_LINK_CHANGED';

export interface GroupEventParticipant {
  jid: string;
  lid: string | null;
  phoneNumber: string | null;
}

/** A change to a group the instance is in, as WhatsApp notified it (whoever made it, this gateway included). */
export interface GroupEvent {
  instanceId: string;
  groupJid: string;
  type: GroupEventType;
  /** Who made the change, when WhatsApp said. */
  author: GroupEventParticipant | null;
  /** PARTICIPANTS_*: who was added, removed, promoted or demoted (LEAVE is a removal by oneself). */
  participants: GroupEventParticipant[];
  /** SUBJECT_CHANGED, JOINED. */
  subject: string | null;
  /** DESCRIPTION_CHANGED (null: removed). */
  description: string | null;
  /** SETTINGS_CHANGED: the setting that changed, the other stays null. */
  announce: boolean | null;
  locked: boolean | null;
  /** When WhatsApp sent the notification. */
  at: Date;
  /** WhatsApp's id of the notification that told of it: the same when WhatsApp delivers it again. */
  notificationId: string | null;
}
