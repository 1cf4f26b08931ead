import { generateMessageIDV2, type AnyMessageContent, type WAMessage, type WASocket, type proto } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import { contextInfoOf, type OutboundContext } from './outbound-content.ts';
import type { Config } from '../../config.ts';
import { DomainError, validationFailed, type Logger } from '../shared/index.ts';
import { mediaReferenceOf } from './media/received-media.ts';
import { buildMediaContent, checkMediaInput, resolveMediaType, stageMedia } from './media/media-sender.ts';
import { NUMBER_CHECK_MAX as MAX_CHECK, TEXT_MAX_LENGTH as MAX_TEXT } from './limits.ts';
import { NumberDirectory } from './number-directory.ts';
import { normalizePhoneNumber, parseRecipient } from './recipients.ts';
import type { NumberCheck, OutboxMedia, SendMediaInput, SendResult, SendTextInput } from './types.ts';
import { requireGroup, simulateTyping, type SessionSource, type WhatsAppSession } from '../instances/index.ts';


export interface MessageSenderDeps {
  sessions: SessionSource;
  /** Media limits, staging and URL rules (MAX_*_MB, MEDIA_* in config.ts: their defaults live there only). */
  media: Config['media'];
  /**
   * Keeps the reference of media this gateway sent (as Baileys returns the sent message: keys,
   * hashes, path), so it can be downloaded and forwarded later as received media can.
   */
  keepMedia?: (ref: ReceivedMediaRecord) => Promise<void>;
  logger?: Logger;
}

/** Refuses an empty or too long text (VALIDATION_FAILED); returns it as a string. */
export function checkText(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (!text.trim()) throw validationFailed('text must not be empty', { field: 'text' });
  if (text.length > MAX_TEXT) throw validationFailed(`text must be at most ${MAX_TEXT} characters`, { field: 'text' });
  return text;
}

/** Sending and number checks, as both transports drive them. */
export type MessagingService = Pick<MessageSender, 'sendText' | 'sendMedia' | 'checkNumbers'>;

/**
 * Sending and number checks, for every instance: validates the input, resolves the sender and the
 * recipient (a number must be on WhatsApp, a group must be one the account is in) before any work,
 * and hands Baileys the message. Which sessions exist is the registry's business.
 */
export class MessageSender {
  private readonly sessions: SessionSource;
  private readonly media: Config['media'];
  private readonly deps: MessageSenderDeps;
  /** Which numbers are on WhatsApp, per instance: a burst to one recipient costs one directory query. */
  private readonly numbers = new NumberDirectory();

  constructor(deps: MessageSenderDeps) {
    this.sessions = deps.sessions;
    this.media = deps.media;
    this.deps = deps;
  }

  async sendText(input: SendTextInput, messageId?: string): Promise<SendResult> {
    const text = checkText(input.text);
    const target = await this.sendTarget(input);
    return this.deliver(target, input.typingMs, (sock, jid, options) => sock.sendMessage(jid, { text }, options), messageId);
  }

  /** A text under a WhatsApp id chosen earlier (the send queue's sends and re-sends). */
  sendTextAs(target: { session: WhatsAppSession; jid: string }, text: string, messageId: string, typingMs?: number): Promise<SendResult> {
    return this.deliver(target, typingMs, (sock, jid, options) => sock.sendMessage(jid, { text }, options), messageId);
  }

  /** Any content under a WhatsApp id chosen earlier (the send queue's kinds: location, contacts, poll, reaction, edit, revoke, replies, forwards). */
  sendContentAs(target: { session: WhatsAppSession; jid: string }, content: AnyMessageContent, messageId: string, typingMs?: number): Promise<SendResult> {
    // A forwarded media message is media this account sent: its reference is kept like an upload's.
    if ('forward' in content) return this.deliverMedia(target, typingMs, (sock, jid, options) => sock.sendMessage(jid, content, options), messageId);
    return this.deliver(target, typingMs, (sock, jid, options) => sock.sendMessage(jid, content, options), messageId);
  }

  /** A media file kept in the outbox, under a WhatsApp id chosen earlier (the send queue's media sends). */
  sendMediaFileAs(target: { session: WhatsAppSession; jid: string }, file: OutboxMedia & { path: string }, messageId: string, typingMs?: number, context?: OutboundContext): Promise<SendResult> {
    const contextInfo = context ? contextInfoOf(context) : undefined;
    const media = buildMediaContent(file.kind, { path: file.path, suggestedName: undefined }, file.type, file.caption ?? undefined, file.fileName ?? undefined);
    const content = (contextInfo ? { ...media, contextInfo } : media) as AnyMessageContent;
    return this.deliverMedia(target, typingMs, (sock, jid, options) => sock.sendMessage(jid, content, options), messageId);
  }

  /** `deliver`, then the sent media's reference kept; a failure to keep it is logged, never the send's failure. */
  private async deliverMedia(
    target: { session: WhatsAppSession; jid: string },
    typingMs: number | undefined,
    send: (sock: WASocket, jid: string, options: { messageId: string }) => Promise<WAMessage | undefined>,
    messageId: string,
  ): Promise<SendResult> {
    let keeping: Promise<void> | undefined;
    const result = await this.deliver(
      target,
      typingMs,
      async (sock, jid, options) => {
        const sent = await send(sock, jid, options);
        // Kept from the moment Baileys returns the message, not after the rest of the send: its SENT
        // can be reported meanwhile, and a forward of it right after must find the reference (the
        // store's reads wait for a save under way).
        const ref = sent && this.deps.keepMedia ? mediaReferenceOf(target.session.instanceId, sent) : undefined;
        if (ref) keeping = this.deps.keepMedia!(ref).catch((err: unknown) => this.deps.logger?.warn({ err, messageId }, 'keeping the reference of sent media failed'));
        return sent;
      },
      messageId,
    );
    await keeping;
    return result;
  }

  /** The recipient's JID (checked to be on WhatsApp, or a group the account is in) for an online session. */
  resolveTarget(session: WhatsAppSession, to: string): Promise<{ session: WhatsAppSession; jid: string }> {
    return this.targetOn(session, to);
  }

  /**
   * Media from a URL or an upload stream: checked before anything is fetched, staged to a temp file
   * within the kind's limit (never held whole in memory), typed by its bytes, then streamed into
   * Baileys. The temp file goes in every case.
   */
  async sendMedia(input: SendMediaInput, messageId?: string): Promise<SendResult> {
    checkMediaInput(input.kind, input.source, input.caption, input.fileName);
    const target = await this.sendTarget(input);
    const options = this.media;
    const staged = await stageMedia(input.kind, input.source, options);
    try {
      const type = resolveMediaType(input.kind, staged, input.mimeType);
      const fileName = input.fileName ?? input.source.fileName ?? staged.suggestedName ?? null;
      const contextInfo = input.context ? contextInfoOf(input.context) : undefined;
      const content = { ...buildMediaContent(input.kind, staged, type, input.caption, fileName ?? undefined), ...(contextInfo ? { contextInfo } : {}) } as AnyMessageContent;
      const sent = await this.deliver(target, input.typingMs, (sock, jid, options) => sock.sendMessage(jid, content, options), messageId);
      return { ...sent, media: { size: staged.size, fileName, mimeType: type.mimeType } };
    } finally {
      await staged.discard();
    }
  }

  /** The sending instance (online) and the recipient's JID (known to be on WhatsApp), resolved before any work. */
  private async sendTarget(input: { instanceId?: string; fromPhoneNumber?: string; to: string }): Promise<{ session: WhatsAppSession; jid: string }> {
    return this.targetOn(await this.sessions.sendingSession(input), input.to);
  }

  private async targetOn(session: WhatsAppSession, to: string): Promise<{ session: WhatsAppSession; jid: string }> {
    const input = { to };
    const recipient = parseRecipient(input.to);
    if (recipient.kind === 'jid') {
      if (recipient.jid.endsWith('@g.us')) await requireGroup(session, recipient.jid);
      return { session, jid: recipient.jid };
    }
    const found = await session.withSocket((sock) => this.numbers.lookup(session.instanceId, [recipient.phoneNumber], (jids) => sock.onWhatsApp(...jids)));
    const jid = found.get(recipient.phoneNumber);
    if (!jid) throw new DomainError('RECIPIENT_NOT_ON_WHATSAPP', `${recipient.phoneNumber} is not on WhatsApp`, { to: input.to });
    return { session, jid };
  }

  /**
   * Hands the message to Baileys under an id chosen here, so the answer always carries the id the
   * recipient sees. A socket that dies on the way is INSTANCE_NOT_CONNECTED (see withSocket).
   */
  private async deliver(
    { session, jid }: { session: WhatsAppSession; jid: string },
    typingMs: number | undefined,
    send: (sock: WASocket, jid: string, options: { messageId: string }) => Promise<{ messageTimestamp?: unknown; message?: proto.IMessage | null } | undefined>,
    chosenId?: string,
  ): Promise<SendResult> {
    if (typingMs && typingMs > 0) await simulateTyping(session, jid, Math.min(typingMs, 60_000));
    return session.withSocket(async (sock) => {
      const messageId = chosenId ?? generateMessageIDV2(sock.user?.id);
      // Awaited before the write: the server's ack can arrive before Baileys' send promise resolves,
      // and an ack seen before it was awaited would leave the id "unacked" and fake a dead socket.
      session.awaitServerAck(messageId);
      let sent: { messageTimestamp?: unknown; message?: proto.IMessage | null } | undefined;
      try {
        sent = await send(sock, jid, { messageId });
      } catch (err) {
        session.forgetServerAck(messageId);
        throw err;
      }
      if (sent?.message) session.rememberSent(messageId, { chat: jid, message: sent.message });
      return {
        messageId,
        instanceId: session.instanceId,
        to: jid,
        timestamp: new Date(Number(sent?.messageTimestamp ?? Math.floor(Date.now() / 1000)) * 1000),
      };
    });
  }

  async checkNumbers(instanceId: string, phoneNumbers: string[]): Promise<NumberCheck[]> {
    if (!Array.isArray(phoneNumbers) || phoneNumbers.length === 0 || phoneNumbers.length > MAX_CHECK) {
      throw validationFailed(`phoneNumbers must hold 1 to ${MAX_CHECK} numbers`, { field: 'phoneNumbers' });
    }
    const session = await this.sessions.onlineSession(instanceId);
    const normalized = phoneNumbers.map((input) => ({ input, phoneNumber: normalizePhoneNumber(String(input)) }));
    const valid = [...new Set(normalized.map((n) => n.phoneNumber).filter((n): n is string => !!n))];
    const found = valid.length
      ? await session.withSocket((sock) => this.numbers.lookup(session.instanceId, valid, (jids) => sock.onWhatsApp(...jids)))
      : new Map<string, string>();
    return normalized.map(({ input, phoneNumber }) => {
      const jid = phoneNumber ? (found.get(phoneNumber) ?? null) : null;
      return { input, phoneNumber, jid: jid ?? (phoneNumber ? `${phoneNumber}@s.whatsapp.net` : null), exists: !!jid };
    });
  }
}
