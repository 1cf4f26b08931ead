import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { SendMessageResultType } from '../schema/message.ts';
import { POLL_OPTIONS, TEXT_MAX_LENGTH as MAX_TEXT, type PresenceEvent, type PresenceState } from '../services/messaging/index.ts';
import { liveStream, orLost, readAfterSubscribing, streamOptions } from './live-stream.ts';
import { exactlyOneSender, sender, senderFields, senderShape } from './messaging.ts';

type Fields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

const idempotencyKey = (t: Fields) =>
  t.string({
    description: "Optional, at most 200 characters: the same key on the same instance returns the first call's message and never sends again.",
    validate: z.string().max(200, 'idempotencyKey must be at most 200 characters'),
  });
const messageId = (t: Fields, description: string) => t.id({ required: true, description, validate: z.string().min(1).max(128, 'messageId is at most 128 characters') });
const TO = 'Recipient: a phone number in international form or a JID (a group the account is in).';

const SendLocationInput = builder.inputType('SendLocationInput', {
  description: 'A location to send. Give exactly one of `instanceId` and `fromPhoneNumber`.',
  fields: (t) => ({
    ...senderFields(t, TO),
    latitude: t.float({ required: true, description: 'Degrees, −90 to 90.' }),
    longitude: t.float({ required: true, description: 'Degrees, −180 to 180.' }),
    name: t.string({ description: 'The place name.', validate: z.string().max(256) }),
    address: t.string({ description: 'The address.', validate: z.string().max(1024) }),
    idempotencyKey: idempotencyKey(t),
  }),
  validate: z.looseObject(senderShape).refine(...exactlyOneSender),
});

const ContactCardInput = builder.inputType('ContactCardInput', {
  description: 'One contact card: a name and numbers (the vCard is built from them), or your own vCard.',
  fields: (t) => ({
    displayName: t.string({ required: true, description: 'The name shown on the card.', validate: z.string().trim().min(1, 'displayName must not be empty').max(256) }),
    phoneNumbers: t.stringList({ required: true, description: 'Phone numbers in international form.', validate: z.array(z.string().max(32)).max(20) }),
    vcard: t.string({ description: 'A complete vCard; built from the name and numbers when omitted.', validate: z.string().max(10_000) }),
  }),
});

const SendContactInput = builder.inputType('SendContactInput', {
  description: 'Contact cards to send. Give exactly one of `instanceId` and `fromPhoneNumber`.',
  fields: (t) => ({
    ...senderFields(t, TO),
    contacts: t.field({ type: [ContactCardInput], required: true, description: '1 to 20 cards.', validate: z.array(z.unknown()).min(1, 'give at least one contact').max(20, 'at most 20 contacts') }),
    idempotencyKey: idempotencyKey(t),
  }),
  validate: z.looseObject(senderShape).refine(...exactlyOneSender),
});

const SendPollInput = builder.inputType('SendPollInput', {
  description: 'A poll to send. Give exactly one of `instanceId` and `fromPhoneNumber`.',
  fields: (t) => ({
    ...senderFields(t, TO),
    question: t.string({ required: true, description: 'The question.', validate: z.string().trim().min(1, 'question must not be empty').max(255) }),
    options: t.stringList({ required: true, description: `${POLL_OPTIONS.min} to ${POLL_OPTIONS.max} different options.`, validate: z.array(z.string().max(100)) }),
    selectableCount: t.int({ description: 'How many options a voter may choose: 1 (the default) up to the number of options, or 0 for any number.' }),
    idempotencyKey: idempotencyKey(t),
  }),
  validate: z.looseObject(senderShape).refine(...exactlyOneSender),
});

const SendReactionInput = builder.inputType('SendReactionInput', {
  description: 'A reaction to a stored message.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance that sent or received the message.' }),
    messageId: messageId(t, 'The WhatsApp id of the stored message to react to.'),
    emoji: t.string({ required: true, description: 'One emoji; empty removes your reaction.' }),
    idempotencyKey: idempotencyKey(t),
  }),
});

const EditMessageInput = builder.inputType('EditMessageInput', {
  description: 'A new text for a message this account sent.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance that sent the message.' }),
    messageId: messageId(t, 'The WhatsApp id of the message to edit.'),
    text: t.string({ required: true, description: `The new text, 1 to ${MAX_TEXT} characters.`, validate: z.string().max(MAX_TEXT) }),
    idempotencyKey: idempotencyKey(t),
  }),
});

const DeleteMessageInput = builder.inputType('DeleteMessageInput', {
  description: 'A message to delete.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance that sent or received the message.' }),
    messageId: messageId(t, 'The WhatsApp id of the message.'),
    forEveryone: t.boolean({ description: "True (the default): WhatsApp deletes it on every device of the chat (only the author's own messages, within 60 hours). False: it is marked deleted in this gateway's ledger only." }),
    idempotencyKey: idempotencyKey(t),
  }),
});

const ForwardMessageInput = builder.inputType('ForwardMessageInput', {
  description: 'A stored message to forward.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The instance that holds the message and sends the forward.' }),
    messageId: messageId(t, 'The WhatsApp id of the stored message (a text, location or contact).'),
    to: t.string({ required: true, description: TO, validate: z.string().trim().min(1, 'to must not be empty') }),
    idempotencyKey: idempotencyKey(t),
  }),
});

const PresenceStateEnum = builder.enumType('PresenceState', {
  description: 'What the account shows.',
  values: {
    COMPOSING: { description: 'Typing… in the chat `to`.' },
    RECORDING: { description: 'Recording audio… in the chat `to`.' },
    PAUSED: { description: 'Stopped typing in the chat `to`.' },
    AVAILABLE: { description: 'Online, to every contact subscribed to its presence.' },
    UNAVAILABLE: { description: 'Offline (last seen now).' },
  } satisfies Record<PresenceState, { description: string }>,
});

const SendPresenceInput = builder.inputType('SendPresenceInput', {
  description: 'Presence or typing to show.',
  fields: (t) => ({
    instanceId: t.id({ required: true, description: 'The (online) instance.' }),
    to: t.string({ description: 'The chat, for COMPOSING, RECORDING and PAUSED.' }),
    state: t.field({ type: PresenceStateEnum, required: true, description: 'What to show.' }),
  }),
});

const key = (k: string | null | undefined) => (k ? { idempotencyKey: k } : {});
const QUEUED =
  'Rides the instance\'s durable queue like sendText (idempotencyKey, QUEUED while the instance reconnects, SEND_WAIT_MS); the answer carries the stored `message`.';

builder.mutationFields((t) => ({
  sendLocation: t.field({
    type: SendMessageResultType,
    description: `Sends a location. ${QUEUED} Fails like sendText, and with VALIDATION_FAILED (field latitude/longitude) for coordinates out of range.`,
    args: { input: t.arg({ type: SendLocationInput, required: true, description: 'The location, its sender and recipient.' }) },
    resolve: async (_root, { input }, ctx) =>
      ctx.kinds.sendLocation({ ...(await sender(ctx, input)), to: input.to, latitude: input.latitude, longitude: input.longitude, name: input.name ?? undefined, address: input.address ?? undefined, ...key(input.idempotencyKey) }),
  }),
  sendContact: t.field({
    type: SendMessageResultType,
    description: `Sends contact cards (vCards built from name and numbers when not given). ${QUEUED} Fails like sendText, and with VALIDATION_FAILED for a card without numbers or vCard.`,
    args: { input: t.arg({ type: SendContactInput, required: true, description: 'The cards, their sender and recipient.' }) },
    resolve: async (_root, { input }, ctx) =>
      ctx.kinds.sendContact({
        ...(await sender(ctx, input)),
        to: input.to,
        contacts: input.contacts.map((c) => ({ displayName: c.displayName, phoneNumbers: c.phoneNumbers, ...(c.vcard ? { vcard: c.vcard } : {}) })),
        ...key(input.idempotencyKey),
      }),
  }),
  sendPoll: t.field({
    type: SendMessageResultType,
    description: `Sends a poll; its votes arrive decrypted as the stored message's \`pollResults\`. ${QUEUED} Fails like sendText, and with VALIDATION_FAILED (field options) for fewer than ${POLL_OPTIONS.min} or more than ${POLL_OPTIONS.max} options, or (selectableCount) a count out of range.`,
    args: { input: t.arg({ type: SendPollInput, required: true, description: 'The poll, its sender and recipient.' }) },
    resolve: async (_root, { input }, ctx) =>
      ctx.kinds.sendPoll({ ...(await sender(ctx, input)), to: input.to, question: input.question, options: input.options, ...(input.selectableCount != null ? { selectableCount: input.selectableCount } : {}), ...key(input.idempotencyKey) }),
  }),
  sendReaction: t.field({
    type: SendMessageResultType,
    description: `Reacts to a stored message (empty emoji: removes the reaction); the target lists it in \`reactions\` once WhatsApp took it. ${QUEUED} Fails with MESSAGE_NOT_FOUND for an unknown message.`,
    args: { input: t.arg({ type: SendReactionInput, required: true, description: 'The message and the emoji.' }) },
    resolve: (_root, { input }, ctx) => ctx.kinds.sendReaction({ instanceId: input.instanceId, messageId: input.messageId, emoji: input.emoji, ...key(input.idempotencyKey) }),
  }),
  editMessage: t.field({
    type: SendMessageResultType,
    description:
      `Edits a text or caption this account sent; the stored message keeps its former text in \`editHistory\`. ${QUEUED} ` +
      'Fails with MESSAGE_NOT_FOUND, NOT_MESSAGE_AUTHOR (someone else wrote it), MESSAGE_TOO_OLD (more than 15 minutes) or MESSAGE_NOT_EDITABLE (not a text or caption, or deleted).',
    args: { input: t.arg({ type: EditMessageInput, required: true, description: 'The message and its new text.' }) },
    resolve: (_root, { input }, ctx) => ctx.kinds.editMessage({ instanceId: input.instanceId, messageId: input.messageId, text: input.text, ...key(input.idempotencyKey) }),
  }),
  deleteMessage: t.field({
    type: SendMessageResultType,
    description:
      `Deletes a message: for everyone (a revoke WhatsApp delivers to every device; the stored message is marked \`deleted\`), or in this gateway's ledger only. ${QUEUED} ` +
      'Fails with MESSAGE_NOT_FOUND, NOT_MESSAGE_AUTHOR (for everyone: someone else wrote it) or MESSAGE_TOO_OLD (for everyone: more than 60 hours).',
    args: { input: t.arg({ type: DeleteMessageInput, required: true, description: 'The message and how to delete it.' }) },
    resolve: (_root, { input }, ctx) => ctx.kinds.deleteMessage({ instanceId: input.instanceId, messageId: input.messageId, forEveryone: input.forEveryone ?? true, ...key(input.idempotencyKey) }),
  }),
  forwardMessage: t.field({
    type: SendMessageResultType,
    description: `Forwards a stored text, location or contact (marked forwarded). ${QUEUED} Fails with MESSAGE_NOT_FOUND, or MESSAGE_NOT_EDITABLE for other kinds.`,
    args: { input: t.arg({ type: ForwardMessageInput, required: true, description: 'The message and where to forward it.' }) },
    resolve: (_root, { input }, ctx) => ctx.kinds.forwardMessage({ instanceId: input.instanceId, messageId: input.messageId, to: input.to, ...key(input.idempotencyKey) }),
  }),
  sendPresence: t.boolean({
    description: 'Shows typing, recording or paused in a chat, or the account available/unavailable. Not stored or queued (WhatsApp does not keep it either): fails with INSTANCE_NOT_CONNECTED when the instance is offline.',
    args: { input: t.arg({ type: SendPresenceInput, required: true, description: 'The state and, for typing, the chat.' }) },
    resolve: (_root, { input }, ctx) => ctx.kinds.sendPresence({ instanceId: input.instanceId, state: input.state, ...(input.to ? { to: input.to } : {}) }),
  }),
}));

const PresenceEventType = builder.objectRef<PresenceEvent>('PresenceEvent').implement({
  description: "A contact's presence or typing, as WhatsApp reported it (not stored).",
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance that heard it.' }),
    chatJid: t.exposeString('chatJid', { description: 'The chat: the contact, or the group they are typing in.' }),
    jid: t.exposeString('jid', { description: 'The contact.' }),
    state: t.field({ type: PresenceStateEnum, description: 'AVAILABLE/UNAVAILABLE (presence), COMPOSING/RECORDING/PAUSED (typing in `chatJid`).', resolve: (e) => e.state }),
    lastSeen: t.expose('lastSeen', { type: 'DateTime', nullable: true, description: 'When the contact was last online, when WhatsApp said.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When it arrived.' }),
  }),
});

builder.subscriptionFields((t) => ({
  presence: t.field({
    type: PresenceEventType,
    description:
      "Contacts' presence and typing at one instance. Typing (COMPOSING, RECORDING, PAUSED) comes for every chat; online/offline only for contacts the instance asked for: list them in `contacts` (WhatsApp's presence subscription; the instance must be online).",
    args: {
      instanceId: t.arg.id({ required: true, description: 'The instance.' }),
      contacts: t.arg.stringList({ description: 'Ask WhatsApp for these contacts\' online/offline presence (phone numbers or JIDs, at most 100).', validate: z.array(z.string().min(1).max(64)).max(100) }),
    },
    subscribe: async (_root, { instanceId, contacts }, ctx) => {
      const source = ctx.events.subscribe('presence', (e) => e.instanceId === instanceId);
      await readAfterSubscribing(source, async () => {
        await ctx.instances.get(instanceId);
        await ctx.kinds.subscribePresence(instanceId, contacts ?? []);
      });
      return liveStream(source, streamOptions(ctx, instanceId));
    },
    resolve: (event) => orLost(event),
  }),
}));
