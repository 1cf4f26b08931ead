import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { AboutType, BlockedContactType } from '../schema/profile.ts';
import '../schema/upload.ts';
import { ABOUT_MAX, PROFILE_NAME_MAX } from '../services/profiles/index.ts';

const USER_DESCRIPTION = 'A phone number in international form or a user JID (`…@s.whatsapp.net`, `…@lid`).';
const jidShape = z.string().max(64, 'jid is at most 64 characters');
const FAILS = 'Fails with VALIDATION_FAILED (not a number or JID), INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED';

const UpdateProfilePictureInput = builder.inputType('UpdateProfilePictureInput', {
  description: "A new picture for the instance's account (or a group's icon): exactly one of `url` and `file`, an image (JPEG, PNG, GIF, WebP) within MAX_IMAGE_MB.",
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance.' }),
    jid: t.string({ description: "A group's JID to set its icon instead (a member; an admin if the group is locked).", validate: jidShape }),
    url: t.string({ description: 'Fetch the image from this http(s) URL (private addresses refused unless MEDIA_ALLOW_PRIVATE_URLS=true).' }),
    file: t.field({ type: 'Upload', description: 'The image itself, as a part of a multipart request (GraphQL multipart request spec).' }),
  }),
  validate: z.looseObject({ url: z.string().nullish(), file: z.unknown().optional() }).refine((i) => !!i.url !== !!i.file, 'give exactly one of url and file'),
});

builder.queryFields((t) => ({
  profilePicture: t.string({
    nullable: true,
    description: `The URL of a user's or group's full-size profile picture; null when there is none or it is hidden from this account. The URL is WhatsApp's and expires. ${FAILS}.`,
    args: {
      instanceId: t.arg.id({ required: true, description: 'The (online) instance that looks.' }),
      jid: t.arg.string({ required: true, description: `${USER_DESCRIPTION} Or a group JID.`, validate: jidShape }),
    },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.profiles.pictureUrl(instanceId, jid),
  }),
  about: t.field({
    type: AboutType,
    description: `A user's about text. ${FAILS}.`,
    args: { instanceId: t.arg.id({ required: true, description: 'The (online) instance that looks.' }), jid: t.arg.string({ required: true, description: USER_DESCRIPTION, validate: jidShape }) },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.profiles.about(instanceId, jid),
  }),
  blocklist: t.field({
    type: [BlockedContactType],
    description: "The account's block list, as WhatsApp keeps it. Fails with INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED.",
    args: { instanceId: t.arg.id({ required: true, description: 'The (online) instance.' }) },
    resolve: (_r, { instanceId }, ctx) => ctx.profiles.blocklist(instanceId),
  }),
}));

const blockArgs = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => ({
  instanceId: t.arg.id({ required: true, description: 'The instance.' }),
  jid: t.arg.string({ required: true, description: USER_DESCRIPTION, validate: jidShape }),
});

builder.mutationFields((t) => ({
  blockContact: t.field({
    type: [BlockedContactType],
    description: `Blocks a user: WhatsApp stops delivering their messages to the account and hides its profile from them. Returns the block list afterwards. ${FAILS}, RECIPIENT_NOT_ON_WHATSAPP, INVALID_STATE (the account itself).`,
    args: blockArgs(t),
    resolve: (_r, { instanceId, jid }, ctx) => ctx.profiles.setBlocked(instanceId, jid, true),
  }),
  unblockContact: t.field({
    type: [BlockedContactType],
    description: `Unblocks a user; returns the block list afterwards. ${FAILS}, RECIPIENT_NOT_ON_WHATSAPP.`,
    args: blockArgs(t),
    resolve: (_r, { instanceId, jid }, ctx) => ctx.profiles.setBlocked(instanceId, jid, false),
  }),
  updateProfileName: t.string({
    description: `Sets the account's push name (what its contacts see on its messages), 1 to ${PROFILE_NAME_MAX} characters; returns it. Fails with VALIDATION_FAILED, INVALID_STATE (the phone has not shared its app-state key yet), INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED.`,
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), name: t.arg.string({ required: true, description: 'The new name.', validate: z.string().max(200) }) },
    resolve: (_r, { instanceId, name }, ctx) => ctx.profiles.updateName(instanceId, name),
  }),
  updateProfileStatus: t.string({
    description: `Sets the account's about text, 1 to ${ABOUT_MAX} characters; returns it. Fails with VALIDATION_FAILED, INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED.`,
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }), about: t.arg.string({ required: true, description: 'The new about text.', validate: z.string().max(1000) }) },
    resolve: (_r, { instanceId, about }, ctx) => ctx.profiles.updateAbout(instanceId, about),
  }),
  updateProfilePicture: t.string({
    nullable: true,
    description:
      "Sets the account's profile picture, or a group's icon (WhatsApp gets a 640x640 JPEG of it); returns its URL, null if WhatsApp gave none. " +
      'Fails with MEDIA_TYPE_MISMATCH (not an image, or one that cannot be read), MEDIA_TOO_LARGE, MEDIA_EMPTY, MEDIA_URL_INVALID, MEDIA_URL_FORBIDDEN, MEDIA_FETCH_FAILED, VALIDATION_FAILED, NOT_GROUP_ADMIN, GROUP_NOT_FOUND, INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED.',
    args: { input: t.arg({ type: UpdateProfilePictureInput, required: true, description: 'The image and the instance.' }) },
    resolve: async (_r, { input }, ctx) => {
      const file = input.file ? await input.file.part : undefined;
      return ctx.profiles.updatePicture(input.instanceId, file ? { stream: file.stream, fileName: file.fileName } : { url: input.url ?? undefined }, input.jid);
    },
  }),
  removeProfilePicture: t.boolean({
    description: "Removes the account's profile picture, or a group's icon. Fails with VALIDATION_FAILED, NOT_GROUP_ADMIN, GROUP_NOT_FOUND, INSTANCE_NOT_FOUND or INSTANCE_NOT_CONNECTED.",
    args: {
      instanceId: t.arg.id({ required: true, description: 'The instance.' }),
      jid: t.arg.string({ description: "A group's JID to remove its icon instead.", validate: jidShape }),
    },
    resolve: (_r, { instanceId, jid }, ctx) => ctx.profiles.removePicture(instanceId, jid),
  }),
}));
