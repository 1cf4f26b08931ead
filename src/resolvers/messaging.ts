import { z } from 'zod';
import { builder, type Context, type SchemaTypes } from '../schema/builder.ts';
import { EXACTLY_ONE_SENDER, hasExactlyOneSender, normalizePhoneNumber, NUMBER_CHECK_MAX as MAX_NUMBERS, TEXT_MAX_LENGTH as MAX_TEXT } from '../services/messaging/index.ts';
import { NumberCheckType, SendTextResultType } from '../schema/message.ts';

type InputFields = PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, 'InputObject'>;

/** Who sends and to whom, the same on every send input: exactly one of `instanceId` and `fromPhoneNumber` (see `senderShape`). */
export const senderFields = (t: InputFields, toDescription: string) => ({
  instanceId: t.id({ description: 'The instance to send from.' }),
  fromPhoneNumber: t.string({ description: 'Send from the instance linked to this phone number (international form).' }),
  to: t.string({ required: true, description: toDescription, validate: z.string().trim().min(1, 'to must not be empty') }),
});

/** `sendAt`, the same on every send input. */
export const sendAtField = (t: InputFields) =>
  t.field({
    type: 'DateTime',
    description: 'Send not before this time (at most 366 days ahead): the message stays SCHEDULED until then, across restarts, and the call answers at once. `cancelMessage` cancels it meanwhile. A time in the past sends now.',
  });

/** `replyTo` and `mentions`, the same on sendText and sendMedia. */
export const replyFields = (t: InputFields) => ({
  replyTo: t.id({ description: 'Quote this stored message (its WhatsApp id, sent or received by the same instance; needs `instanceId`). Unknown: MESSAGE_NOT_FOUND.', validate: z.string().max(128) }),
  mentions: t.stringList({ description: 'Mention these users (phone numbers or JIDs); write `@<number>` in the text where each should show.', validate: z.array(z.string().max(64)).max(100, 'at most 100 mentions') }),
});

/** For an input's `validate`: loose, because the validated value replaces the input and a strict object would drop the other fields. */
export const senderShape = { instanceId: z.string().nullish(), fromPhoneNumber: z.string().nullish() };
export const exactlyOneSender = [hasExactlyOneSender, EXACTLY_ONE_SENDER] as const;

const SendTextInput = builder.inputType('SendTextInput', {
  description: 'A text message to send. Give exactly one of `instanceId` and `fromPhoneNumber`.',
  fields: (t) => ({
    ...senderFields(t, 'Recipient: a phone number in international form (`+`, spaces and dashes allowed) or a JID. A number that is not on WhatsApp is refused before sending.'),
    idempotencyKey: t.string({
      description: 'Optional, at most 200 characters: the same key on the same instance returns the first call\'s message and never sends again (concurrent duplicates, retries after a timeout or a gateway restart).',
      validate: z.string().max(200, 'idempotencyKey must be at most 200 characters'),
    }),
    sendAt: sendAtField(t),
    text: t.string({
      required: true,
      description: `The message text, 1 to ${MAX_TEXT} characters, not only whitespace.`,
      validate: z.string().refine((s) => s.trim().length > 0, 'text must not be empty').pipe(z.string().max(MAX_TEXT, `text must be at most ${MAX_TEXT} characters`)),
    }),
    ...replyFields(t),
  }),
  validate: z.looseObject(senderShape).refine(...exactlyOneSender),
});

/**
 * `fromPhoneNumber` is resolved among the instances the caller may use, so a number linked to
 * someone else's instance is never a way in; an unknown one falls through to the service's error.
 */
export async function sender(ctx: Context, input: { instanceId?: string | null; fromPhoneNumber?: string | null }): Promise<{ instanceId?: string; fromPhoneNumber?: string }> {
  if (input.instanceId) return { instanceId: input.instanceId };
  const digits = normalizePhoneNumber(String(input.fromPhoneNumber ?? ''));
  const own = digits ? await ctx.access!.senderByPhoneNumber(digits) : undefined;
  return own ? { instanceId: own } : { fromPhoneNumber: input.fromPhoneNumber ?? '' };
}

builder.queryFields((t) => ({
  checkNumbers: t.field({
    type: [NumberCheckType],
    description: 'Asks WhatsApp, through an online instance, which phone numbers have an account. Results are in input order.',
    args: {
      instanceId: t.arg.id({ required: true, description: 'The (online) instance to ask through.' }),
      phoneNumbers: t.arg.stringList({
        required: true,
        description: `1 to ${MAX_NUMBERS} phone numbers in international form.`,
        validate: z.array(z.string()).min(1, 'give at least one phone number').max(MAX_NUMBERS, `give at most ${MAX_NUMBERS} phone numbers`),
      }),
    },
    resolve: (_root, { instanceId, phoneNumbers }, ctx) => ctx.messages.checkNumbers(instanceId, phoneNumbers),
  }),
}));

builder.mutationFields((t) => ({
  sendText: t.field({
    type: SendTextResultType,
    description:
      'Sends a text message through the instance\'s durable queue and waits (up to SEND_WAIT_MS) for WhatsApp to take it; the answer carries the stored `message` with its status. ' +
      'While the instance is CONNECTING or RECONNECTING the message is accepted and stays QUEUED until it is back (at most SEND_QUEUE_TTL_SECONDS, then FAILED: EXPIRED). ' +
      'Fails with INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED (not linked, logged out, disconnected), INVALID_RECIPIENT or RECIPIENT_NOT_ON_WHATSAPP.',
    args: { input: t.arg({ type: SendTextInput, required: true, description: 'The message, its sender and its recipient.' }) },
    resolve: async (_root, { input }, ctx) => {
      const from = await sender(ctx, input);
      const context = await ctx.kinds.context(from.instanceId, input.replyTo ?? undefined, input.mentions ?? undefined);
      return ctx.messages.sendText({ ...from, to: input.to, text: input.text, ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}), ...(context ? { context } : {}), ...(input.sendAt ? { sendAt: input.sendAt } : {}) });
    },
  }),
}));
