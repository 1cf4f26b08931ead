import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { CreateGroupPayloadType, GroupEventType, GroupInviteType, GroupParticipantActionEnum, GroupType, ParticipantResultType } from '../schema/group.ts';
import { DESCRIPTION_MAX, PARTICIPANTS_MAX, SUBJECT_MAX } from '../services/groups/index.ts';
import { liveStream, orLost, readAfterSubscribing, streamOptions } from './live-stream.ts';

const JID_DESCRIPTION = 'The group JID (`…@g.us`).';
const jidShape = z.string().max(64, 'jid is at most 64 characters');
const participantsDescription = `1 to ${PARTICIPANTS_MAX} phone numbers in international form or user JIDs (\`…@s.whatsapp.net\`, \`…@lid\`).`;

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  description: 'A new group; the instance becomes its creator (super admin).',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance that creates it.' }),
    subject: t.string({ required: true, description: `The group name, 1 to ${SUBJECT_MAX} characters.` }),
    participants: t.stringList({ required: true, description: participantsDescription }),
    description: t.string({ description: `A description, at most ${DESCRIPTION_MAX} characters.` }),
  }),
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  description: 'Changes to a group; omitted fields stay as they are (give at least one).',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance (a member; an admin for settings, and for the subject and description of a locked group).' }),
    jid: t.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }),
    subject: t.string({ description: `A new subject, 1 to ${SUBJECT_MAX} characters.` }),
    description: t.string({ description: `A new description, at most ${DESCRIPTION_MAX} characters; empty removes it.` }),
    announce: t.boolean({ description: 'Only admins may send.' }),
    locked: t.boolean({ description: 'Only admins may change the subject, description and settings.' }),
  }),
});

const UpdateGroupParticipantsInput = builder.inputType('UpdateGroupParticipantsInput', {
  description: 'Members to add, remove, promote or demote (the instance must be an admin).',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance.' }),
    jid: t.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }),
    action: t.field({ type: GroupParticipantActionEnum, required: true, description: 'What to do to each participant.' }),
    participants: t.stringList({ required: true, description: participantsDescription }),
  }),
});

builder.queryFields((t) => ({
  groups: t.field({
    type: [GroupType],
    description: 'The groups the instance is in, as WhatsApp lists them now, by subject. Fails with INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED.',
    args: { instanceId: t.arg.id({ required: true, description: 'The (online) instance.' }) },
    resolve: (_r, { instanceId }, ctx) => ctx.groups.list(instanceId),
  }),
  group: t.field({
    type: GroupType,
    description: 'One group with its members. Fails with GROUP_NOT_FOUND (not a group the instance is in), VALIDATION_FAILED (not a group JID), INSTANCE_NOT_CONNECTED.',
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), jid: t.arg.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }) },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.groups.get(instanceId, jid),
  }),
  groupInviteLink: t.field({
    type: GroupInviteType,
    description: "The group's invite link (admins only). Fails with NOT_GROUP_ADMIN, GROUP_NOT_FOUND, VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.",
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), jid: t.arg.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }) },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.groups.inviteLink(instanceId, jid),
  }),
}));

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: CreateGroupPayloadType,
    description: 'Creates a group with the instance as its creator. Numbers not on WhatsApp are left out (see `participants`). Fails with VALIDATION_FAILED or INSTANCE_NOT_CONNECTED.',
    args: { input: t.arg({ type: CreateGroupInput, required: true, description: 'The group.' }) },
    resolve: (_r, { input }, ctx) => ctx.groups.create(input.instanceId, { subject: input.subject, participants: input.participants, description: input.description ?? null }),
  }),
  updateGroup: t.field({
    type: GroupType,
    description: 'Changes the subject, description and settings of a group; returns it afterwards. Fails with NOT_GROUP_ADMIN, GROUP_NOT_FOUND, VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.',
    args: { input: t.arg({ type: UpdateGroupInput, required: true, description: 'The changes.' }) },
    resolve: (_r, { input: { instanceId, jid, ...changes } }, ctx) => ctx.groups.update(instanceId, jid, changes),
  }),
  updateGroupParticipants: t.field({
    type: [ParticipantResultType],
    description: 'Adds, removes, promotes or demotes members: one result per participant, in order (one failing does not stop the others). Fails as a whole with NOT_GROUP_ADMIN, GROUP_NOT_FOUND, VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.',
    args: { input: t.arg({ type: UpdateGroupParticipantsInput, required: true, description: 'Who and what.' }) },
    resolve: (_r, { input }, ctx) => ctx.groups.updateParticipants(input.instanceId, input.jid, input.action, input.participants),
  }),
  revokeGroupInviteLink: t.field({
    type: GroupInviteType,
    description: 'Replaces the invite link: the old one stops working. Fails with NOT_GROUP_ADMIN, GROUP_NOT_FOUND, VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.',
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), jid: t.arg.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }) },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.groups.revokeInviteLink(instanceId, jid),
  }),
  joinGroup: t.field({
    type: GroupType,
    description: 'Joins a group through its invite code or `https://chat.whatsapp.com/…` link. Fails with INVITE_CODE_INVALID, INVALID_STATE (already a member), VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.',
    args: {
      instanceId: t.arg.id({ required: true, description: 'The instance that joins.' }),
      inviteCode: t.arg.string({ required: true, description: 'The code, or the whole link.', validate: z.string().max(200, 'inviteCode is at most 200 characters') }),
    },
    resolve: (_r, { instanceId, inviteCode }, ctx) => ctx.groups.join(instanceId, inviteCode),
  }),
  leaveGroup: t.string({
    description: 'Leaves a group; returns its JID. Fails with GROUP_NOT_FOUND, VALIDATION_FAILED, INSTANCE_NOT_CONNECTED.',
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), jid: t.arg.string({ required: true, description: JID_DESCRIPTION, validate: jidShape }) },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.groups.leave(instanceId, jid),
  }),
}));

builder.subscriptionFields((t) => ({
  groupEvents: t.field({
    type: GroupEventType,
    description: 'Changes to the groups of one instance, or of every instance you may see: members added, removed, promoted, demoted; subject, description, settings, invite link; groups joined.',
    args: { instanceId: t.arg.id({ description: 'The instance; all instances you may see when omitted.' }) },
    subscribe: async (_r, { instanceId }, ctx) => {
      if (!instanceId) return liveStream(ctx.events.subscribe('groupEvent'), { ...streamOptions(ctx), allow: (e) => ctx.access!.sees(e.instanceId) });
      const source = ctx.events.subscribe('groupEvent', (e) => e.instanceId === instanceId);
      await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      return liveStream(source, streamOptions(ctx, instanceId));
    },
    resolve: (event) => orLost(event),
  }),
}));
