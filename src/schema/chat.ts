import type { ChatView } from '../services/messaging/index.ts';
import { builder } from './builder.ts';
import { MessageType } from './stored-message.ts';
import './scalars.ts';

/** A chat and, for a group, how to find its subject (WhatsApp is asked, only when `name` is selected: the ledger does not keep it). */
export type ChatParent = ChatView & { subject?: () => Promise<string | null> };

export const ChatType = builder.objectRef<ChatParent>('Chat').implement({
  description: "One chat of an instance (a person or a group), as the ledger's stored messages show it.",
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance.' }),
    jid: t.exposeString('jid', { description: 'The chat: the other party of a direct chat (`…@s.whatsapp.net` or `…@lid`), or the group (`…@g.us`).' }),
    isGroup: t.exposeBoolean('isGroup', { description: 'True for a group.' }),
    name: t.string({
      nullable: true,
      description: "The contact's name (saved, else push, else verified name) for a direct chat; the subject for a group the account is in, asked from WhatsApp while the instance is online. Null when neither is known.",
      resolve: async (c) => c.name ?? (c.subject ? await c.subject() : null),
    }),
    lastMessage: t.field({ type: MessageType, description: 'The latest stored message of the chat (reactions, edits and deletes show on their target; scheduled and cancelled sends are not counted).', resolve: (c) => c.lastMessage }),
    lastActivityAt: t.field({ type: 'DateTime', description: "WhatsApp's time of the last message.", resolve: (c) => c.lastMessage.timestamp }),
    unreadCount: t.exposeInt('unreadCount', { description: 'Received messages not read yet: not marked read here (`markRead`) nor on the account\'s phone.' }),
    archived: t.boolean({
      nullable: true,
      description: "Whether the chat is archived on the account's phone. Always null for now: WhatsApp syncs it through app-state patches, which this gateway does not read yet.",
      resolve: () => null,
    }),
    mutedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until when the chat is muted on the account\'s phone. Always null for now, as `archived`.',
      resolve: () => null,
    }),
  }),
});
