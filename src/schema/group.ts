import type { CreateGroupResult, GroupEvent, GroupEventParticipant, GroupEventType as GroupEventKind, GroupInvite, GroupMember, GroupView, ParticipantOutcome, ParticipantResult } from '../services/groups/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

export const GroupRoleEnum = builder.enumType('GroupRole', {
  description: "A member's rank in a group.",
  values: {
    SUPERADMIN: { description: 'The creator (or whom WhatsApp handed the group to): an admin nobody can remove or demote.' },
    ADMIN: { description: 'May change members, settings and the invite link.' },
    MEMBER: { description: 'An ordinary member.' },
  } as const,
});

export const GroupParticipantActionEnum = builder.enumType('GroupParticipantAction', {
  description: 'What `updateGroupParticipants` does to each participant.',
  values: {
    ADD: { description: 'Add to the group.' },
    REMOVE: { description: 'Remove from the group.' },
    PROMOTE: { description: 'Make an admin.' },
    DEMOTE: { description: 'Make an ordinary member again.' },
  } as const,
});

const OUTCOME_DESCRIPTIONS: Record<ParticipantOutcome, string> = {
  OK: 'Done.',
  NOT_ON_WHATSAPP: 'The number has no WhatsApp account (or WhatsApp did not add it).',
  ALREADY_MEMBER: 'Already in the group: nothing changed.',
  NOT_A_MEMBER: 'Not in the group, so it cannot be removed, promoted or demoted.',
  NOT_ALLOWED: "The person's privacy settings do not let this account add them; send them the invite link instead.",
  REFUSED: 'WhatsApp refused it (e.g. removing or demoting the creator); `code` says how.',
};

export const ParticipantOutcomeEnum = builder.enumType('GroupParticipantOutcome', {
  description: 'What WhatsApp answered for one participant.',
  values: Object.fromEntries(Object.entries(OUTCOME_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<ParticipantOutcome, { description: string }>,
});

export const GroupParticipantType = builder.objectRef<GroupMember>('GroupParticipant').implement({
  description: 'A member of a group, with both forms of its WhatsApp identity when known.',
  fields: (t) => ({
    jid: t.exposeString('jid', { description: 'As the group addresses the member: `…@lid` in LID-addressed groups, else `…@s.whatsapp.net`.' }),
    lid: t.exposeString('lid', { nullable: true, description: 'The LID (`…@lid`), when known.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Digits, when known.' }),
    role: t.field({ type: GroupRoleEnum, description: 'Admin or not.', resolve: (p) => p.role }),
  }),
});

export const GroupType = builder.objectRef<GroupView>('Group').implement({
  description: 'A WhatsApp group the instance is in, as WhatsApp describes it now.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance it was read through.' }),
    jid: t.exposeString('jid', { description: 'The group JID (`…@g.us`).' }),
    subject: t.exposeString('subject', { description: 'The group name.' }),
    description: t.exposeString('description', { nullable: true, description: 'The group description, if any.' }),
    ownerJid: t.exposeString('ownerJid', { nullable: true, description: "The creator's JID, when WhatsApp said." }),
    ownerPhoneNumber: t.exposeString('ownerPhoneNumber', { nullable: true, description: "The creator's phone number, when known." }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true, description: 'When it was created.' }),
    announce: t.exposeBoolean('announce', { description: 'Only admins may send messages.' }),
    locked: t.exposeBoolean('locked', { description: 'Only admins may change the subject, description and settings.' }),
    addressingMode: t.exposeString('addressingMode', { description: '`LID` (members appear as `…@lid`, what WhatsApp uses now) or `PN`.' }),
    size: t.exposeInt('size', { description: 'How many members it has.' }),
    participants: t.field({ type: [GroupParticipantType], description: 'Its members.', resolve: (g) => g.participants }),
  }),
});

export const ParticipantResultType = builder.objectRef<ParticipantResult>('GroupParticipantResult').implement({
  description: 'What happened to one requested participant.',
  fields: (t) => ({
    input: t.exposeString('input', { description: 'The participant as you gave it.' }),
    jid: t.exposeString('jid', { description: 'The JID it was sent to WhatsApp as.' }),
    outcome: t.field({ type: ParticipantOutcomeEnum, description: 'Done, or why not.', resolve: (r) => r.outcome }),
    code: t.exposeInt('code', { description: "WhatsApp's code for it (200 when done)." }),
  }),
});

export const CreateGroupPayloadType = builder.objectRef<CreateGroupResult>('CreateGroupPayload').implement({
  description: 'A new group, and who of the requested participants is in it.',
  fields: (t) => ({
    group: t.field({ type: GroupType, description: 'The group as created.', resolve: (r) => r.group }),
    participants: t.field({ type: [ParticipantResultType], description: 'One per requested participant, in order.', resolve: (r) => r.participants }),
  }),
});

export const GroupInviteType = builder.objectRef<GroupInvite>('GroupInvite').implement({
  description: "A group's invite link.",
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The invite code (for `joinGroup`).' }),
    url: t.exposeString('url', { description: 'The link to share: `https://chat.whatsapp.com/<code>`.' }),
  }),
});

const EVENT_DESCRIPTIONS: Record<GroupEventKind, string> = {
  JOINED: 'The instance was put in a new group (it created it, or someone created it with the instance in it); `subject` is set.',
  PARTICIPANTS_ADDED: '`participants` were added (or joined by invite link).',
  PARTICIPANTS_REMOVED: '`participants` were removed, or left (then `author` is the one who left).',
  PARTICIPANTS_PROMOTED: '`participants` became admins.',
  PARTICIPANTS_DEMOTED: '`participants` are no longer admins.',
  SUBJECT_CHANGED: 'The subject changed; `subject` is the new one.',
  DESCRIPTION_CHANGED: 'The description changed; `description` is the new one (null: removed).',
  SETTINGS_CHANGED: 'A setting changed: `announce` or `locked` holds its new value.',
  INVITE_LINK_CHANGED: 'The invite link was revoked and replaced.',
};

export const GroupEventTypeEnum = builder.enumType('GroupEventType', {
  description: 'What changed in a group.',
  values: Object.fromEntries(Object.entries(EVENT_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<GroupEventKind, { description: string }>,
});

const GroupEventParticipantType = builder.objectRef<GroupEventParticipant>('GroupEventParticipant').implement({
  description: 'Someone a group event names.',
  fields: (t) => ({
    jid: t.exposeString('jid', { description: 'As WhatsApp named them (`…@lid` in LID-addressed groups).' }),
    lid: t.exposeString('lid', { nullable: true, description: 'The LID, when known.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Digits, when known.' }),
  }),
});

export const GroupEventType = builder.objectRef<GroupEvent>('GroupEvent').implement({
  description: 'A change to a group the instance is in, as WhatsApp notified it (changes this gateway made included).',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance that was told.' }),
    groupJid: t.exposeString('groupJid', { description: 'The group.' }),
    type: t.field({ type: GroupEventTypeEnum, description: 'What changed.', resolve: (e) => e.type }),
    author: t.field({ type: GroupEventParticipantType, nullable: true, description: 'Who made the change, when WhatsApp said.', resolve: (e) => e.author }),
    participants: t.field({ type: [GroupEventParticipantType], description: 'PARTICIPANTS_*: whom it concerns; empty otherwise.', resolve: (e) => e.participants }),
    subject: t.exposeString('subject', { nullable: true, description: 'SUBJECT_CHANGED, JOINED: the subject.' }),
    description: t.exposeString('description', { nullable: true, description: 'DESCRIPTION_CHANGED: the new description.' }),
    announce: t.exposeBoolean('announce', { nullable: true, description: 'SETTINGS_CHANGED: the new "only admins send" value, when that changed.' }),
    locked: t.exposeBoolean('locked', { nullable: true, description: 'SETTINGS_CHANGED: the new "only admins edit" value, when that changed.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When the gateway heard of it.' }),
  }),
});
