import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { SendMediaResultType } from '../schema/message.ts';
import '../schema/upload.ts';
import type { SendMediaKind } from '../services/messaging/index.ts';
import { exactlyOneSender, replyFields, sendAtField, sender, senderFields, senderShape } from './messaging.ts';

const KIND_DESCRIPTIONS: Record<SendMediaKind, string> = {
  IMAGE: 'A picture (JPEG, PNG, GIF, WebP), shown inline; may have a caption.',
  VIDEO: 'A video (MP4, 3GP, QuickTime, WebM), shown inline; may have a caption.',
  AUDIO: 'An audio file (MP3, M4A, AAC, Ogg, WAV, AMR, FLAC), shown as a player.',
  VOICE: 'A voice note (push-to-talk): Ogg/Opus audio only.',
  DOCUMENT: 'Any file, shown with its file name; may have a caption.',
  STICKER: 'A sticker: a WebP image only (`sendSticker` is the same as `sendMedia` with this kind).',
};

export const MediaKindEnum = builder.enumType('MediaKind', {
  description: 'How a media message is sent. The bytes must agree: the type is read from them, not from a name or a declared type.',
  values: Object.fromEntries(Object.entries(KIND_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<SendMediaKind, { description: string }>,
});

const SendMediaInput = builder.inputType('SendMediaInput', {
  description:
    'A media message to send: exactly one of `instanceId` and `fromPhoneNumber`, and exactly one of `url` and `file`. Size limits per kind: MAX_IMAGE_MB, MAX_VIDEO_MB, MAX_AUDIO_MB, MAX_DOCUMENT_MB.',
  fields: (t) => ({
    ...senderFields(t, 'Recipient: a phone number in international form or a JID. A number that is not on WhatsApp is refused before anything is fetched.'),
    kind: t.field({ type: MediaKindEnum, required: true, description: 'How to send it; must match what the bytes are.' }),
    url: t.string({ description: 'Fetch the file from this http(s) URL (private, loopback and link-local addresses are refused unless MEDIA_ALLOW_PRIVATE_URLS=true).' }),
    file: t.field({ type: 'Upload', description: 'The file itself, as a part of a multipart request (GraphQL multipart request spec).' }),
    caption: t.string({ description: 'Text shown with an IMAGE, VIDEO or DOCUMENT (at most 4096 characters).' }),
    fileName: t.string({ description: 'The name a DOCUMENT is shown with; defaults to the upload’s or URL’s file name.' }),
    mimeType: t.string({ description: 'Optional; must agree with the bytes. Worth giving for documents (a .docx reads as a zip).' }),
    idempotencyKey: t.string({
      description: 'Optional, at most 200 characters: the same key on the same instance returns the first call\'s message and never sends again.',
      validate: z.string().max(200, 'idempotencyKey must be at most 200 characters'),
    }),
    sendAt: sendAtField(t),
    ...replyFields(t),
  }),
  validate: z
    .looseObject({ ...senderShape, url: z.string().nullish(), file: z.unknown().optional() })
    .refine(...exactlyOneSender)
    .refine((i) => !!i.url !== !!i.file, 'give exactly one of url and file'),
});

const SendStickerInput = builder.inputType('SendStickerInput', {
  description: 'A sticker (a WebP image) to send: exactly one of `instanceId` and `fromPhoneNumber`, and exactly one of `url` and `file`.',
  fields: (t) => ({
    ...senderFields(t, 'Recipient: a phone number in international form or a JID.'),
    url: t.string({ description: 'Fetch the WebP from this http(s) URL.' }),
    file: t.field({ type: 'Upload', description: 'The WebP itself, as a part of a multipart request.' }),
    idempotencyKey: t.string({ description: "Optional, at most 200 characters: the same key on the same instance returns the first call's message.", validate: z.string().max(200) }),
  }),
  validate: z
    .looseObject({ ...senderShape, url: z.string().nullish(), file: z.unknown().optional() })
    .refine(...exactlyOneSender)
    .refine((i) => !!i.url !== !!i.file, 'give exactly one of url and file'),
});

builder.mutationFields((t) => ({
  sendMedia: t.field({
    type: SendMediaResultType,
    description:
      'Sends an image, video, audio file, voice note or document, from a URL or a multipart upload, streamed to a temp file and on to WhatsApp. ' +
      'Fails like sendText, and with MEDIA_TOO_LARGE, MEDIA_EMPTY, MEDIA_TYPE_MISMATCH, MEDIA_URL_INVALID, MEDIA_URL_FORBIDDEN or MEDIA_FETCH_FAILED.',
    args: { input: t.arg({ type: SendMediaInput, required: true, description: 'The file (a URL or an upload), its kind, its sender and its recipient.' }) },
    resolve: async (_root, { input }, ctx) => {
      const from = await sender(ctx, input);
      // Resolves when the file's part starts arriving; its bytes stream on from there.
      const file = input.file ? await input.file.part : undefined;
      const context = await ctx.kinds.context(from.instanceId, input.replyTo ?? undefined, input.mentions ?? undefined);
      return ctx.messages.sendMedia({
        ...(context ? { context } : {}),
        ...from,
        to: input.to,
        kind: input.kind,
        source: file ? { stream: file.stream, fileName: file.fileName } : { url: input.url ?? undefined },
        caption: input.caption ?? undefined,
        fileName: input.fileName ?? undefined,
        mimeType: input.mimeType ?? undefined,
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
        ...(input.sendAt ? { sendAt: input.sendAt } : {}),
      });
    },
  }),
  sendSticker: t.field({
    type: SendMediaResultType,
    description: 'Sends a sticker: `sendMedia` with kind STICKER (the bytes must be WebP, else MEDIA_TYPE_MISMATCH).',
    args: { input: t.arg({ type: SendStickerInput, required: true, description: 'The WebP (a URL or an upload), its sender and its recipient.' }) },
    resolve: async (_root, { input }, ctx) => {
      const from = await sender(ctx, input);
      const file = input.file ? await input.file.part : undefined;
      return ctx.messages.sendMedia({
        ...from,
        to: input.to,
        kind: 'STICKER',
        source: file ? { stream: file.stream, fileName: file.fileName } : { url: input.url ?? undefined },
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      });
    },
  }),
}));
