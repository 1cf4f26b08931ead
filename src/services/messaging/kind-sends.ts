import { randomBytes } from 'node:crypto';
import { isJidGroup } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import type { SessionSource } from '../instances/index.ts';
import { DomainError, validationFailed } from '../shared/index.ts';
import type { MessageLedger } from './ledger.ts';
import { checkText } from './message-sender.ts';
import type { OutboundContext, QuoteRef, TargetKey } from './outbound-content.ts';
import type { SendQueue } from './send-queue.ts';
import type { PresenceState, SendResult, StoredMessage } from './types.ts';

/**
 * WhatsApp's limits on changing a sent message. Edits: 15 minutes in its apps (whatsmeow's
 * `EditWindow` allows 20, the server's tolerance); deletes for everyone: about 60 hours.
 */
export const EDIT_WINDOW_MS = 15 * 60_000;
export const REVOKE_WINDOW_MS = 60 * 3_600_000;
export const POLL_OPTIONS = { min: 2, max: 12 } as const;

type From = { instanceId?: string; fromPhoneNumber?: string; to: string; idempotencyKey?: string };

const notFound = (id: string) => new DomainError('MESSAGE_NOT_FOUND', `no stored message ${id}`, { messageId: id });

/**
 * May this account edit (or delete for everyone) that stored message now? Only its author, only
 * texts and captions for edits, not once deleted, and within WhatsApp's windows.
 */
export function checkChange(target: Pick<StoredMessage, 'id' | 'fromMe' | 'type' | 'timestamp' | 'history'>, what: 'edit' | 'delete', now: number): void {
  const details = { messageId: target.id };
  if (!target.fromMe) throw new DomainError('NOT_MESSAGE_AUTHOR', `message ${target.id} was written by someone else; only its author can ${what} it`, details);
  if (what === 'edit' && (target.history.deletedAt || !['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'].includes(target.type))) {
    throw new DomainError('MESSAGE_NOT_EDITABLE', `message ${target.id} is ${target.history.deletedAt ? 'deleted' : `a ${target.type}`}: only texts and captions can be edited`, details);
  }
  const [window, words] = what === 'edit' ? [EDIT_WINDOW_MS, '15 minutes'] : [REVOKE_WINDOW_MS, '60 hours'];
  if (now - target.timestamp.getTime() > window) {
    throw new DomainError('MESSAGE_TOO_OLD', `message ${target.id} was sent more than ${words} ago; WhatsApp no longer allows to ${what} it${what === 'delete' ? ' for everyone' : ''}`, details);
  }
}

/** Builds a vCard 3.0 for a contact given by name and numbers (`waid` lets WhatsApp link the account). */
export function buildVcard(displayName: string, phoneNumbers: readonly string[]): string {
  const escapeValue = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
  const tel = phoneNumbers.map((n) => n.replace(/\D/g, '')).map((n) => `TEL;type=CELL;waid=${n}:+${n}`);
  return ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escapeValue(displayName)}`, ...tel, 'END:VCARD'].join('\n');
}

/**
 * The message kinds beyond text and media: validated here (clear codes for bad input), then
 * written to the ledger and sent by the instance's queue like any text, so each takes an
 * idempotency key, waits in the queue while the instance reconnects and is re-sent under its id.
 * Reactions, edits and deletes change their target's stored row once WhatsApp took them.
 */
export class KindSends {
  readonly #queue: SendQueue;
  readonly #ledger: MessageLedger;
  readonly #sessions: SessionSource;
  readonly #media: MediaReferences;

  constructor(deps: { queue: SendQueue; ledger: MessageLedger; sessions: SessionSource; media: MediaReferences }) {
    this.#queue = deps.queue;
    this.#ledger = deps.ledger;
    this.#sessions = deps.sessions;
    this.#media = deps.media;
  }

  /** A reply's quote and mentions, for sendText/sendMedia; throws MESSAGE_NOT_FOUND for an unknown `replyTo`. */
  async context(instanceId: string | undefined, replyTo: string | undefined, mentions: readonly string[] | undefined): Promise<OutboundContext | undefined> {
    if (!replyTo && !mentions?.length) return undefined;
    const quote = replyTo ? await this.#quote(instanceId, replyTo) : undefined;
    return { ...(quote ? { quote } : {}), ...(mentions?.length ? { mentions: mentions.map(toJid) } : {}) };
  }

  sendLocation(input: From & { latitude: number; longitude: number; name?: string; address?: string }): Promise<SendResult> {
    const { latitude, longitude } = input;
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) throw validationFailed('latitude must be between -90 and 90', { field: 'latitude' });
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) throw validationFailed('longitude must be between -180 and 180', { field: 'longitude' });
    const place = { ...(input.name ? { name: input.name } : {}), ...(input.address ? { address: input.address } : {}) };
    return this.#queue.enqueue({
      ...from(input),
      kind: 'LOCATION',
      outbound: { type: 'location', latitude, longitude, ...place },
      details: { location: { latitude, longitude, name: input.name ?? null, address: input.address ?? null, live: false } },
    });
  }

  sendContact(input: From & { contacts: Array<{ displayName: string; phoneNumbers: string[]; vcard?: string }> }): Promise<SendResult> {
    if (!input.contacts.length) throw validationFailed('give at least one contact', { field: 'contacts' });
    const cards = input.contacts.map((c, i) => {
      const numbers = c.phoneNumbers.map((n) => n.replace(/\D/g, ''));
      if (!c.displayName.trim()) throw validationFailed('every contact needs a displayName', { field: `contacts.${i}.displayName` });
      if (!c.vcard && (!numbers.length || numbers.some((n) => n.length < 6 || n.length > 15))) {
        throw validationFailed('every contact needs phone numbers in international form (6 to 15 digits), or a vcard', { field: `contacts.${i}.phoneNumbers` });
      }
      if (c.vcard && !/^BEGIN:VCARD/i.test(c.vcard.trim())) throw validationFailed('vcard must be a vCard (BEGIN:VCARD … END:VCARD)', { field: `contacts.${i}.vcard` });
      return { displayName: c.displayName, vcard: c.vcard ?? buildVcard(c.displayName, numbers), phoneNumbers: numbers };
    });
    const displayName = cards.length === 1 ? cards[0]!.displayName : `${cards.length} contacts`;
    return this.#queue.enqueue({
      ...from(input),
      kind: 'CONTACT',
      outbound: { type: 'contacts', displayName, cards: cards.map(({ displayName, vcard }) => ({ displayName, vcard })) },
      details: { contacts: cards },
    });
  }

  sendPoll(input: From & { question: string; options: string[]; selectableCount?: number }): Promise<SendResult> {
    const options = input.options.map((o) => o.trim());
    if (!input.question.trim()) throw validationFailed('question must not be empty', { field: 'question' });
    if (options.length < POLL_OPTIONS.min || options.length > POLL_OPTIONS.max) {
      throw validationFailed(`a poll has ${POLL_OPTIONS.min} to ${POLL_OPTIONS.max} options`, { field: 'options' });
    }
    if (options.some((o) => !o) || new Set(options).size !== options.length) throw validationFailed('options must be non-empty and different', { field: 'options' });
    const selectableCount = input.selectableCount ?? 1;
    if (!Number.isInteger(selectableCount) || selectableCount < 0 || selectableCount > options.length) {
      throw validationFailed(`selectableCount must be 0 (any number) to ${options.length}`, { field: 'selectableCount' });
    }
    // The poll's secret: votes are encrypted with it. Chosen now, so a re-send is the same poll.
    const secret = randomBytes(32).toString('base64');
    return this.#queue.enqueue({
      ...from(input),
      kind: 'POLL',
      text: input.question,
      outbound: { type: 'poll', question: input.question, options, selectableCount, secret },
      details: { poll: { question: input.question, options, selectableCount } },
      secret,
    });
  }

  /** Reacts to a stored message (an empty emoji removes the reaction). */
  async sendReaction(input: { instanceId: string; messageId: string; emoji: string; idempotencyKey?: string }): Promise<SendResult> {
    if ([...input.emoji].length > 16) throw validationFailed('emoji must be one emoji (or empty to remove the reaction)', { field: 'emoji' });
    const target = await this.#target(input.instanceId, input.messageId);
    return this.#queue.enqueue({
      instanceId: input.instanceId,
      to: target.chatJid,
      idempotencyKey: input.idempotencyKey,
      kind: 'REACTION',
      outbound: { type: 'reaction', emoji: input.emoji, key: await this.#keyOf(target) },
      details: { reaction: { emoji: input.emoji, targetId: target.id } },
    });
  }

  /** Edits a text (or caption) this account sent, within WhatsApp's edit window. */
  async editMessage(input: { instanceId: string; messageId: string; text: string; idempotencyKey?: string }, now = Date.now()): Promise<SendResult> {
    const text = checkText(input.text);
    const target = await this.#target(input.instanceId, input.messageId);
    checkChange(target, 'edit', now);
    return this.#queue.enqueue({
      instanceId: input.instanceId,
      to: target.chatJid,
      idempotencyKey: input.idempotencyKey,
      kind: 'EDIT',
      text,
      outbound: { type: 'edit', text, key: await this.#keyOf(target) },
      details: { quoted: { id: target.id, senderJid: null, text: target.text } },
    });
  }

  /**
   * Deletes a message for everyone (a revoke WhatsApp delivers to every device), within WhatsApp's
   * window; `forEveryone: false` marks it deleted in this gateway's ledger only.
   */
  async deleteMessage(input: { instanceId: string; messageId: string; forEveryone: boolean; idempotencyKey?: string }, now = Date.now()): Promise<SendResult> {
    const target = await this.#target(input.instanceId, input.messageId);
    if (!input.forEveryone) {
      const message = (await this.#ledger.deleteLocally(target.instanceId, target.id)) ?? target;
      return { messageId: message.id, instanceId: message.instanceId, to: message.chatJid, timestamp: new Date(), message };
    }
    checkChange(target, 'delete', now);
    return this.#queue.enqueue({
      instanceId: input.instanceId,
      to: target.chatJid,
      idempotencyKey: input.idempotencyKey,
      kind: 'REVOKE',
      outbound: { type: 'revoke', key: await this.#keyOf(target) },
      details: { quoted: { id: target.id, senderJid: null, text: target.text } },
    });
  }

  /**
   * Forwards a stored text, location, contact card or media message (marked forwarded, as WhatsApp
   * does). Media goes as the same message (keys, hashes, path on WhatsApp's servers): nothing is
   * downloaded or uploaded again, as WhatsApp's own clients forward it.
   */
  async forwardMessage(input: { instanceId: string; messageId: string; to: string; idempotencyKey?: string }): Promise<SendResult> {
    const source = await this.#target(input.instanceId, input.messageId);
    const refuse = (reason: string, why: string) => new DomainError('MESSAGE_NOT_FORWARDABLE', `message ${source.id} cannot be forwarded: ${why}`, { messageId: source.id, reason });
    if (source.history.deletedAt) throw refuse('DELETED', 'it was deleted');
    const base = { instanceId: input.instanceId, to: input.to, idempotencyKey: input.idempotencyKey, details: { ...pick(source), forwarded: true } };
    const d = source.details;
    if (MEDIA_KINDS.has(source.type)) {
      // WhatsApp does not let a view-once message be forwarded: it is meant to be seen once, there.
      if (d.viewOnce) throw refuse('VIEW_ONCE', 'it is a view-once message');
      const ref = await this.#media.reference(input.instanceId, source.id);
      if (!ref?.message) throw refuse('MEDIA_REFERENCE_GONE', 'its media reference is not stored (stored before forwarding was possible, or pruned)');
      const media = source.media ?? { kind: source.type, mimeType: ref.mimeType, size: ref.fileLength, fileName: ref.fileName, caption: source.text };
      return this.#queue.enqueue({ ...base, kind: source.type, text: source.text, media, outbound: { type: 'media', message: Buffer.from(ref.message).toString('base64'), forwarded: true } });
    }
    if (source.type === 'TEXT' && source.text) return this.#queue.enqueue({ ...base, kind: 'TEXT', text: source.text, outbound: { type: 'text', text: source.text, forwarded: true } });
    if (source.type === 'LOCATION' && d.location) {
      const { latitude, longitude, name, address } = d.location;
      return this.#queue.enqueue({ ...base, kind: 'LOCATION', outbound: { type: 'location', latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}), forwarded: true } });
    }
    if (source.type === 'CONTACT' && d.contacts?.length) {
      const cards = d.contacts.map((c) => ({ displayName: c.displayName, vcard: c.vcard }));
      return this.#queue.enqueue({ ...base, kind: 'CONTACT', outbound: { type: 'contacts', displayName: cards.length === 1 ? cards[0]!.displayName : `${cards.length} contacts`, cards, forwarded: true } });
    }
    throw refuse('KIND', `a ${source.type} message cannot be forwarded through this gateway (texts, locations, contacts and media can)`);
  }

  /** Typing, recording or paused in a chat, or the account available/unavailable: not stored, not queued (WhatsApp does not keep it either). */
  async sendPresence(input: { instanceId: string; to?: string; state: PresenceState }): Promise<boolean> {
    const chat = ['COMPOSING', 'RECORDING', 'PAUSED'].includes(input.state);
    if (chat && !input.to) throw validationFailed(`${input.state} needs a chat (to)`, { field: 'to' });
    const session = await this.#sessions.onlineSession(input.instanceId);
    const jid = input.to ? toJid(input.to) : undefined;
    const state = input.state.toLowerCase() as 'composing' | 'recording' | 'paused' | 'available' | 'unavailable';
    await session.withSocket((sock) => sock.sendPresenceUpdate(state, chat ? jid : undefined));
    return true;
  }

  /** Asks WhatsApp for these contacts' presence (online, last seen): it then arrives in `presence`. */
  async subscribePresence(instanceId: string, contacts: readonly string[]): Promise<void> {
    if (!contacts.length) return;
    const session = await this.#sessions.onlineSession(instanceId);
    await session.withSocket(async (sock) => {
      for (const jid of contacts) await sock.presenceSubscribe(toJid(jid));
    });
  }

  async #target(instanceId: string, messageId: string): Promise<StoredMessage> {
    const target = await this.#ledger.get(instanceId, messageId);
    if (!target) throw notFound(messageId);
    return target;
  }

  /** The key WhatsApp names a stored message by, from this account's side. */
  async #keyOf(m: StoredMessage): Promise<TargetKey> {
    const participant = isJidGroup(m.chatJid) ? (m.fromMe ? await this.#selfJid(m.instanceId) : m.sender.jid) : undefined;
    return { remoteJid: m.chatJid, fromMe: m.fromMe, id: m.id, ...(participant ? { participant } : {}) };
  }

  async #quote(instanceId: string | undefined, replyTo: string): Promise<QuoteRef> {
    if (!instanceId) throw validationFailed('replyTo needs instanceId (the quoted message is looked up in its ledger)', { field: 'replyTo' });
    const m = await this.#target(instanceId, replyTo);
    const participant = m.fromMe ? await this.#selfJid(instanceId) : m.sender.jid;
    return { id: m.id, participant, text: m.text };
  }

  async #selfJid(instanceId: string): Promise<string> {
    const session = await this.#sessions.onlineSession(instanceId).catch(() => undefined);
    return session?.deviceJid?.replace(/:\d+@/, '@') ?? '';
  }
}

/** Where forwards find a stored media message's reference (ReceivedMediaService). */
export interface MediaReferences {
  reference(instanceId: string, messageId: string): Promise<ReceivedMediaRecord | null>;
}

const MEDIA_KINDS = new Set(['IMAGE', 'VIDEO', 'AUDIO', 'VOICE', 'DOCUMENT', 'STICKER']);
const from = (input: From) => ({ instanceId: input.instanceId, fromPhoneNumber: input.fromPhoneNumber, to: input.to, idempotencyKey: input.idempotencyKey });
const pick = (m: StoredMessage) => ({ ...(m.details.location ? { location: m.details.location } : {}), ...(m.details.contacts ? { contacts: m.details.contacts } : {}) });
const toJid = (s: string) => (s.includes('@') ? s : `${s.replace(/\D/g, '')}@s.whatsapp.net`);
