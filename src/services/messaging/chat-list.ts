import { isJidGroup } from '@whiskeysockets/baileys';
import type { ChatPageQuery, ChatRepository } from '../../db/chat.repository.ts';
import type { MessageRepository } from '../../db/message.repository.ts';
import { toStoredMessage } from './ledger.ts';
import type { StoredMessage } from './types.ts';

/** One chat of an instance, as its stored messages show it. */
export interface ChatView {
  instanceId: string;
  jid: string;
  isGroup: boolean;
  /** The contact's name for a direct chat, when known; groups get their subject in the transport (it asks WhatsApp). */
  name: string | null;
  lastMessage: StoredMessage;
  unreadCount: number;
  /** The chat's place in the list (its last message's ledger position): the cursor. */
  cursor: string;
}

export type { ChatPageQuery };

/**
 * The chats of an instance, newest activity first, from the ledger: what it stored is what is
 * listed, so a chat appears with its first stored message and its unread count follows `markRead`
 * and the account's own phone reading it.
 */
export class ChatList {
  readonly #chats: ChatRepository;
  readonly #messages: MessageRepository;

  constructor(deps: { chats: ChatRepository; messages: MessageRepository }) {
    this.#chats = deps.chats;
    this.#messages = deps.messages;
  }

  async page(query: ChatPageQuery): Promise<ChatView[]> {
    const rows = await this.#chats.page(query);
    const last = new Map((await this.#messages.findBySeqs(rows.map((r) => r.lastSeq))).map((m) => [m.seq, m]));
    const out: ChatView[] = [];
    for (const row of rows) {
      const record = last.get(row.lastSeq);
      // Pruned by retention between the two reads: the chat shows again on the next read if it has messages left.
      if (!record) continue;
      out.push({
        instanceId: query.instanceId,
        jid: row.chatJid,
        isGroup: !!isJidGroup(row.chatJid),
        name: row.contactName,
        lastMessage: toStoredMessage(record),
        unreadCount: row.unread,
        cursor: String(row.lastSeq),
      });
    }
    return out;
  }
}
