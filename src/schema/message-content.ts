import type { MessageDetails, MessageReaction, PollOptionResult, StoredMessage } from '../services/messaging/index.ts';
import { builder, type SchemaTypes } from './builder.ts';
import './scalars.ts';

type Details = Required<MessageDetails>;

const LocationType = builder.objectRef<Details['location']>('MessageLocation').implement({
  description: 'A shared location.',
  fields: (t) => ({
    latitude: t.exposeFloat('latitude', { description: 'Degrees, −90 to 90.' }),
    longitude: t.exposeFloat('longitude', { description: 'Degrees, −180 to 180.' }),
    name: t.exposeString('name', { nullable: true, description: 'The place name, when given.' }),
    address: t.exposeString('address', { nullable: true, description: 'The address, when given.' }),
    live: t.exposeBoolean('live', { description: 'True for a live location (its later updates are not followed).' }),
  }),
});

const SharedContactType = builder.objectRef<Details['contacts'][number]>('SharedContact').implement({
  description: 'A contact card (vCard) shared in a message.',
  fields: (t) => ({
    displayName: t.exposeString('displayName', { description: 'The name shown on the card.' }),
    vcard: t.exposeString('vcard', { description: 'The vCard as sent.' }),
    phoneNumbers: t.exposeStringList('phoneNumbers', { description: "The card's phone numbers (digits)." }),
  }),
});

const ReactionContentType = builder.objectRef<Details['reaction']>('ReactionContent').implement({
  description: 'What a REACTION message says.',
  fields: (t) => ({
    emoji: t.exposeString('emoji', { description: 'The emoji; empty when the sender removed their reaction.' }),
    targetId: t.exposeID('targetId', { description: 'The WhatsApp id of the message reacted to.' }),
  }),
});

const PollContentType = builder.objectRef<Details['poll']>('PollContent').implement({
  description: 'A poll: its question and options.',
  fields: (t) => ({
    question: t.exposeString('question', { description: 'The question.' }),
    options: t.exposeStringList('options', { description: 'The options, in order.' }),
    selectableCount: t.exposeInt('selectableCount', { description: 'How many options a voter may choose (0: any number).' }),
  }),
});

const QuotedMessageType = builder.objectRef<Details['quoted']>('QuotedMessage').implement({
  description: 'The message a reply quotes, as WhatsApp sent it along.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its WhatsApp id.' }),
    senderJid: t.exposeString('senderJid', { nullable: true, description: 'Its author, when given.' }),
    text: t.exposeString('text', { nullable: true, description: 'Its text or caption, when given.' }),
  }),
});

const MessageReactionType = builder.objectRef<MessageReaction>('MessageReaction').implement({
  description: "Someone's current reaction to a message.",
  fields: (t) => ({
    emoji: t.exposeString('emoji', { description: 'The emoji.' }),
    senderJid: t.exposeString('senderJid', { description: 'Who reacted (`me` for the linked account itself).' }),
    at: t.expose('at', { type: 'DateTime', description: 'When.' }),
  }),
});

const PollOptionResultType = builder.objectRef<PollOptionResult>('PollOptionResult').implement({
  description: 'One poll option and the voters who chose it (each voter counts with their latest vote).',
  fields: (t) => ({
    option: t.exposeString('option', { description: 'The option.' }),
    votes: t.int({ description: 'How many voters chose it.', resolve: (o) => o.voters.length }),
    voters: t.exposeStringList('voters', { description: 'JIDs of the voters who chose it.' }),
  }),
});

const MessageEditType = builder.objectRef<{ text: string | null; replacedAt: Date }>('MessageEdit').implement({
  description: 'A former text of an edited message.',
  fields: (t) => ({
    text: t.exposeString('text', { nullable: true, description: 'The text before the edit.' }),
    replacedAt: t.expose('replacedAt', { type: 'DateTime', description: 'When the edit replaced it.' }),
  }),
});

type MessageFields = PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, StoredMessage>;

/** The content of every kind, and what happened to the message since: the same on `Message` and `IncomingMessage`. */
export const contentFields = (t: MessageFields) => ({
  location: t.field({ type: LocationType, nullable: true, description: 'LOCATION: where.', resolve: (m) => m.details.location ?? null }),
  contacts: t.field({ type: [SharedContactType], nullable: true, description: 'CONTACT: the shared cards.', resolve: (m) => m.details.contacts ?? null }),
  reaction: t.field({ type: ReactionContentType, nullable: true, description: 'REACTION: the emoji and the message reacted to.', resolve: (m) => m.details.reaction ?? null }),
  poll: t.field({ type: PollContentType, nullable: true, description: 'POLL: the question and options.', resolve: (m) => m.details.poll ?? null }),
  quoted: t.field({ type: QuotedMessageType, nullable: true, description: 'The message this one replies to.', resolve: (m) => m.details.quoted ?? null }),
  mentions: t.stringList({ description: 'JIDs mentioned in the text.', resolve: (m) => m.details.mentions ?? [] }),
  forwarded: t.boolean({ description: 'True when WhatsApp marked it forwarded.', resolve: (m) => !!m.details.forwarded }),
  viewOnce: t.boolean({ description: 'True for view-once media (unwrapped here).', resolve: (m) => !!m.details.viewOnce }),
  ephemeral: t.boolean({ description: 'True when sent in a disappearing-messages chat (unwrapped here).', resolve: (m) => !!m.details.ephemeral }),
  reactions: t.field({ type: [MessageReactionType], description: 'Current reactions to this message, one per person.', resolve: (m) => m.reactions }),
  pollResults: t.field({ type: [PollOptionResultType], nullable: true, description: 'POLL: each option and its voters, from the decrypted votes.', resolve: (m) => m.pollResults }),
  edited: t.boolean({ description: 'True when its author edited it (`text` is the latest).', resolve: (m) => m.history.edits.length > 0 }),
  editHistory: t.field({ type: [MessageEditType], description: 'Former texts, oldest first.', resolve: (m) => m.history.edits }),
  deleted: t.boolean({ description: 'True when its author deleted it for everyone (the stored content stays readable here).', resolve: (m) => !!m.history.deletedAt }),
  deletedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was deleted for everyone.', resolve: (m) => m.history.deletedAt }),
});
