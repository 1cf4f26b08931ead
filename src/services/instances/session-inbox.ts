import type { WAMessage } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import type { Logger } from '../shared/index.ts';
import { mediaReferenceOf, toInbound, type Inbound } from '../messaging/index.ts';
import { toFacts, type ContactFacts } from '../contacts/index.ts';
import type { SessionMemory } from './session-memory.ts';

const SEEN_IDS_LIMIT = 2_000;

export interface SessionInboxDeps {
  instanceId: string;
  log: Logger;
  memory: SessionMemory;
  /** What a message tells about its sender (number, LID, push name), for the contact store. */
  onContacts(facts: ContactFacts[]): void;
  /** Stores an incoming message in the ledger (see SessionDeps.receive). */
  receive(message: Inbound): Promise<void>;
  /** The account's own JIDs (phone number, LID), for poll votes on its polls. */
  selfJids(): string[];
  /** Keeps a received media message's reference (see SessionDeps.saveMedia). */
  saveMedia(ref: ReceivedMediaRecord): Promise<void>;
}

/**
 * One session's way from a Baileys message to the ledger: through the receipt hook (before
 * WhatsApp hears the message arrived) and through `messages.upsert` for whatever did not pass it.
 */
export class SessionInbox {
  private readonly deps: SessionInboxDeps;
  /** Recently stored message ids: saves the ledger a round trip when Baileys emits a message the receipt hook already stored. */
  private readonly seenIds = new Set<string>();
  /** Resolves once every message `store` took so far was handed to the ledger (its row queued). */
  private handedOver: Promise<void> = Promise.resolve();
  /** Resolves once every message `store` took so far is stored (or failed). */
  private stored: Promise<void> = Promise.resolve();

  constructor(deps: SessionInboxDeps) {
    this.deps = deps;
  }

  /**
   * Messages Baileys emits without passing our receipt hook first (placeholder resends, anything
   * a future Baileys adds); the ledger deduplicates, so what the hook stored is not stored twice.
   */
  async onMessages(messages: WAMessage[], type: string): Promise<void> {
    for (const msg of messages) {
      // Kept for a phone's retry receipt, which may come after a reconnect (see SessionMemory).
      if (msg.key.fromMe && msg.message && msg.key.id && msg.key.remoteJid) this.deps.memory.rememberSent(msg.key.id, { chat: msg.key.remoteJid, message: msg.message });
      // 'append' carries our own sends and messages delivered while we were offline; only the
      // latter are new to the user. History sync never comes through here.
      if (type === 'append' && msg.key.fromMe) continue;
      await this.store(msg).catch((err) => this.deps.log.error({ err, messageId: msg.key.id }, 'storing an incoming message failed'));
    }
  }

  /**
   * Into the ledger (with its media reference). Throws when the ledger could not store it.
   *
   * Baileys hands the next message over while this one is stored (so the ledger stores a backlog
   * many rows to a statement): the messages of one session reach the ledger in arrival order, and a
   * change (edit, delete, vote) or reaction only once every earlier message is stored, since it
   * applies to a row that may be among them.
   */
  async store(msg: WAMessage): Promise<void> {
    const id = msg.key.id;
    if (!id || this.seenIds.has(id)) return;
    const { instanceId } = this.deps;
    const media = mediaReferenceOf(instanceId, msg);
    const inbound = toInbound(instanceId, msg, this.deps.selfJids(), media);
    if (!inbound) return;
    const earlier = 'change' in inbound || inbound.message.details.reaction ? this.stored : this.handedOver;
    const handed = Promise.withResolvers<void>();
    const storing = (async () => {
      try {
        await earlier;
        // A failed save costs the later download, never the message itself.
        if (media) await this.deps.saveMedia(media).catch((err) => this.deps.log.error({ err, messageId: id }, 'saving the media reference failed'));
        const receiving = this.deps.receive(inbound);
        handed.resolve();
        await receiving;
      } finally {
        handed.resolve();
      }
    })();
    const stored = this.stored;
    this.handedOver = handed.promise;
    this.stored = Promise.all([stored, storing.catch(() => undefined)]).then(() => undefined);
    await storing;
    this.remember(id);
    if ('message' in inbound && !inbound.message.fromMe) {
      const { sender } = inbound.message;
      const facts = toFacts({ id: sender.jid, lid: sender.lid, phoneNumber: sender.phoneNumber, pushName: sender.pushName });
      if (facts) this.deps.onContacts([facts]);
    }
  }

  private remember(id: string): void {
    this.seenIds.add(id);
    if (this.seenIds.size <= SEEN_IDS_LIMIT) return;
    // A Set iterates in insertion order: the first id is the oldest.
    const oldest = this.seenIds.values().next();
    if (!oldest.done) this.seenIds.delete(oldest.value);
  }
}
