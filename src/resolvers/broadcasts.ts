import { z } from 'zod';
import { BroadcastType } from '../schema/broadcast.ts';
import { builder, type Context } from '../schema/builder.ts';
import { BROADCAST_MAX_RECIPIENTS, TEXT_MAX_LENGTH as MAX_TEXT } from '../services/messaging/index.ts';
import type { MessageStatusEvent } from '../services/messaging/index.ts';
import { DomainError } from '../services/shared/index.ts';
import { liveStream, orLost, readAfterSubscribing, streamOptions } from './live-stream.ts';
import { MediaKindEnum } from './media.ts';
import { sendAtField } from './messaging.ts';

const BroadcastVariableInput = builder.inputType('BroadcastVariableInput', {
  description: 'The value of one `{{name}}` placeholder for one recipient.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The placeholder name: letters, digits and `_` (not first), at most 64.' }),
    value: t.string({ required: true, description: 'What replaces `{{name}}`, at most 4096 characters.' }),
  }),
});

const BroadcastRecipientInput = builder.inputType('BroadcastRecipientInput', {
  description: 'One recipient of a broadcast.',
  fields: (t) => ({
    to: t.string({ required: true, description: 'A phone number in international form or a JID; each recipient at most once per broadcast.' }),
    variables: t.field({ type: [BroadcastVariableInput], description: 'Values for the placeholders of `text`; every placeholder needs one.' }),
  }),
});

const BroadcastMediaInput = builder.inputType('BroadcastMediaInput', {
  description:
    'The file every recipient gets, as `sendMedia` takes it (exactly one of `url` and `file`; the same size limits and type checks). It is fetched or received once and kept once until the last recipient\'s message settled.',
  fields: (t) => ({
    kind: t.field({ type: MediaKindEnum, required: true, description: 'How to send it; must match what the bytes are.' }),
    url: t.string({ description: 'Fetch the file from this http(s) URL (private, loopback and link-local addresses are refused unless MEDIA_ALLOW_PRIVATE_URLS=true).' }),
    file: t.field({ type: 'Upload', description: 'The file itself, as a part of a multipart request (GraphQL multipart request spec).' }),
    caption: t.string({ description: "Text shown with an IMAGE, VIDEO or DOCUMENT, at most 4096 characters once filled; `{{name}}` placeholders are filled from each recipient's variables, as in `text`." }),
    fileName: t.string({ description: 'The name a DOCUMENT is shown with; defaults to the upload’s or URL’s file name.' }),
    mimeType: t.string({ description: 'Optional; must agree with the bytes.' }),
  }),
  validate: z.looseObject({ url: z.string().nullish(), file: z.unknown().optional() }).refine((i) => !!i.url !== !!i.file, 'give exactly one of url and file'),
});

const CreateBroadcastInput = builder.inputType('CreateBroadcastInput', {
  description: 'One text, or one file, to many recipients of one instance: exactly one of `text` and `media`.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance to send from.' }),
    recipients: t.field({ type: [BroadcastRecipientInput], required: true, description: `1 to ${BROADCAST_MAX_RECIPIENTS} recipients.` }),
    text: t.string({ description: `The text, 1 to ${MAX_TEXT} characters once filled; \`{{name}}\` is replaced by each recipient's value for \`name\`. A placeholder without a value for some recipient refuses the whole broadcast (VALIDATION_FAILED).` }),
    media: t.field({ type: BroadcastMediaInput, description: 'A file instead of a text; its caption takes placeholders like `text`.' }),
    sendAt: sendAtField(t),
    idempotencyKey: t.string({
      description: "Optional, at most 200 characters: the same key on the same instance returns the first call's broadcast and queues nothing again.",
      validate: z.string().max(200, 'idempotencyKey must be at most 200 characters'),
    }),
  }),
});

/** The broadcast if the caller may use its instance; otherwise it does not exist for them. */
async function visible(ctx: Context, id: string) {
  const broadcast = await ctx.broadcasts.get(id);
  if (!(await ctx.access!.mayUse(broadcast.instanceId))) throw new DomainError('BROADCAST_NOT_FOUND', `no broadcast ${id}`, { broadcastId: id });
  return broadcast;
}

builder.queryFields((t) => ({
  broadcast: t.field({
    type: BroadcastType,
    description: 'A broadcast of an instance you may use, with counts read from its messages now. Unknown: BROADCAST_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The broadcast id (`createBroadcast.id`).', validate: z.string().max(64, 'id is at most 64 characters') }) },
    resolve: async (_root, { id }, ctx) => ctx.broadcasts.view(await visible(ctx, id)),
  }),
}));

builder.mutationFields((t) => ({
  createBroadcast: t.field({
    type: BroadcastType,
    description:
      'Queues one message per recipient, its `{{name}}` placeholders filled from that recipient\'s variables, all in one transaction, and answers at once (it does not wait for SENT). A media broadcast\'s file is fetched or received once before anything is stored (failing like sendMedia: MEDIA_TOO_LARGE, MEDIA_TYPE_MISMATCH, …) and each message uploads it when it is sent. The messages ride the instance\'s send queue and pacing (SEND_RATE_PER_MINUTE); with `sendAt` they stay SCHEDULED until then. Bad input refuses the whole broadcast with VALIDATION_FAILED naming the field (`recipients[3].to`, `recipients[0].variables`, …).',
    args: { input: t.arg({ type: CreateBroadcastInput, required: true, description: 'The instance, recipients with their variables, the text and when.' }) },
    resolve: async (_root, { input }, ctx) => {
      const m = input.media;
      // Resolves when the file's part starts arriving; its bytes stream on from there.
      const file = m?.file ? await m.file.part : undefined;
      const media = m && { kind: m.kind, source: file ? { stream: file.stream, fileName: file.fileName } : { url: m.url ?? undefined }, caption: m.caption ?? null, fileName: m.fileName ?? null, mimeType: m.mimeType ?? null };
      return ctx.broadcasts.create({ instanceId: input.instanceId, recipients: input.recipients, text: input.text ?? null, media, sendAt: input.sendAt ?? null, idempotencyKey: input.idempotencyKey ?? null });
    },
  }),
  cancelBroadcast: t.field({
    type: BroadcastType,
    description: 'Cancels every message of the broadcast still SCHEDULED or QUEUED (they become CANCELLED and are never sent); those already SENDING or further stay. Unknown: BROADCAST_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The broadcast id (`createBroadcast.id`).', validate: z.string().max(64, 'id is at most 64 characters') }) },
    resolve: async (_root, { id }, ctx) => {
      await visible(ctx, id);
      return ctx.broadcasts.cancel(id);
    },
  }),
}));

builder.subscriptionFields((t) => ({
  broadcastProgress: t.field({
    type: BroadcastType,
    description: 'The broadcast as it is now, then again (counts read from its messages) each time one of its messages changes status. Unknown: BROADCAST_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The broadcast id (`createBroadcast.id`).', validate: z.string().max(64, 'id is at most 64 characters') }) },
    subscribe: async (_root, { id }, ctx) => {
      const broadcast = await visible(ctx, id);
      const ids = new Set(await ctx.broadcasts.messageIds(id));
      const source = ctx.events.subscribe('messageStatus', (e) => e.instanceId === broadcast.instanceId && ids.has(e.messageId));
      await readAfterSubscribing(source, () => ctx.instances.get(broadcast.instanceId));
      // `null` first: the current state, so a subscriber that came after the last change still gets it.
      return liveStream<MessageStatusEvent | null>(source, { ...streamOptions(ctx, broadcast.instanceId), initial: [null] });
    },
    resolve: async (event, { id }, ctx) => {
      orLost(event);
      return ctx.broadcasts.view(await ctx.broadcasts.get(id));
    },
  }),
}));
