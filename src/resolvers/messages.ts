import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder, type Context } from '../schema/builder.ts';
import { MessageChangeEventType, MessageDirectionEnum, MessageStatusEnum, MessageStatusEventType, MessageType } from '../schema/stored-message.ts';
import type { StoredMessage } from '../services/messaging/index.ts';
import { validationFailed } from '../services/shared/index.ts';
import { liveStream, orLost, readAfterSubscribing, streamOptions } from './live-stream.ts';

const MAX_PAGE = 100;
const MAX_REPLAY = 10_000;
const REPLAY_PAGE = 500;

/** Cursors are ledger sequence numbers; anything else is refused before it reaches the database. */
export function parseCursor(cursor: string | null | undefined, field: string): number | null {
  if (cursor == null) return null;
  if (!/^\d{1,15}$/.test(cursor)) throw validationFailed(`${field} is not a cursor this gateway issued`, { field });
  return Number(cursor);
}

/**
 * The stored inbound messages after `after`, oldest first (at most MAX_REPLAY: further behind, a
 * client pages with `messages` instead).
 */
export async function replayAfter(ctx: Context, instanceId: string | null, after: number): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for (let from = after; ; ) {
    const page = await ctx.ledger.inboundAfter(instanceId ? [instanceId] : null, from, REPLAY_PAGE);
    for (const m of page) if (instanceId || (await ctx.access!.sees(m.instanceId))) out.push(m);
    if (out.length > MAX_REPLAY) throw validationFailed(`more than ${MAX_REPLAY} messages follow that cursor; page through them with messages(after:) first`, { field: 'after' });
    if (page.length < REPLAY_PAGE) return out;
    from = Number(page.at(-1)!.cursor);
  }
}

builder.queryFields((t) => ({
  message: t.field({
    type: MessageType,
    nullable: true,
    description: 'One stored message of an instance, by its WhatsApp message id; null when the ledger has none.',
    args: {
      instanceId: t.arg.id({ required: true, description: 'The instance that sent or received it.' }),
      id: t.arg.id({ required: true, description: 'WhatsApp message id.', validate: z.string().max(128, 'id is at most 128 characters') }),
    },
    resolve: async (_root, { instanceId, id }, ctx) => {
      await ctx.instances.get(instanceId);
      return ctx.ledger.get(instanceId, id);
    },
  }),
  messages: t.connection({
    type: MessageType,
    description: `An instance's stored messages, both directions, oldest first (\`first\`/\`after\`) or the newest ones (\`last\`/\`before\`); at most ${MAX_PAGE} a page.`,
    args: {
      instanceId: t.arg.id({ required: true, description: 'The instance.' }),
      chatJid: t.arg.string({ description: 'Only this chat (a user or group JID).' }),
      direction: t.arg({ type: MessageDirectionEnum, description: 'Only this direction.' }),
      status: t.arg({ type: MessageStatusEnum, description: 'Only messages in this status.' }),
    },
    resolve: async (_root, args, ctx) => {
      await ctx.instances.get(args.instanceId);
      const [after, before] = [parseCursor(args.after, 'after'), parseCursor(args.before, 'before')];
      return resolveCursorConnection(
        { args, toCursor: (m: StoredMessage) => m.cursor, maxSize: MAX_PAGE, defaultSize: 20 },
        ({ limit, inverted }: ResolveCursorConnectionArgs) =>
          ctx.ledger.page({
            instanceId: args.instanceId,
            chatJid: args.chatJid ?? null,
            direction: args.direction ?? null,
            status: args.status ?? null,
            afterSeq: after,
            beforeSeq: before,
            limit,
            order: inverted ? 'desc' : 'asc',
          }),
      );
    },
  }, { name: 'MessageConnection', description: 'A page of stored messages.' }, { name: 'MessageEdge', description: 'A stored message and its cursor.' }),
}));

builder.mutationFields((t) => ({
  markRead: t.boolean({
    description:
      'Sends read receipts (blue ticks) for received messages of one chat and marks them READ: the given ones, or every unread one of the chat when `messageIds` is omitted. True when any was unread. Fails with INSTANCE_NOT_CONNECTED when the instance is offline.',
    args: {
      instanceId: t.arg.id({ required: true, description: 'The receiving instance.' }),
      chatJid: t.arg.string({ required: true, description: 'The chat (user or group JID).', validate: z.string().trim().min(1, 'chatJid must not be empty').max(256) }),
      messageIds: t.arg.idList({ description: 'WhatsApp ids of received messages of that chat; all unread ones when omitted.', validate: z.array(z.string().max(128)).max(500, 'at most 500 ids') }),
    },
    resolve: async (_root, { instanceId, chatJid, messageIds }, ctx) => (await ctx.ledger.markRead(instanceId, chatJid, messageIds ?? null)) > 0,
  }),
}));

builder.subscriptionFields((t) => ({
  messageStatus: t.field({
    type: MessageStatusEventType,
    description: 'Status changes of stored messages (a send going QUEUED → SENDING → SENT → DELIVERED → READ, or FAILED; a received message marked READ), of one instance or of every instance you may see.',
    args: { instanceId: t.arg.id({ description: 'The instance; all instances when omitted.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      if (!instanceId) return liveStream(ctx.events.subscribe('messageStatus'), { ...streamOptions(ctx), allow: (e) => ctx.access!.sees(e.instanceId) });
      const source = ctx.events.subscribe('messageStatus', (e) => e.instanceId === instanceId);
      await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      return liveStream(source, streamOptions(ctx, instanceId));
    },
    resolve: (event) => orLost(event),
  }),
  messageChanged: t.field({
    type: MessageChangeEventType,
    description: 'Stored messages edited or deleted by their author, or whose reactions or poll votes changed, of one instance or of every instance you may see.',
    args: { instanceId: t.arg.id({ description: 'The instance; all instances when omitted.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      const source = ctx.events.subscribe('messageChanged', (e) => !instanceId || e.message.instanceId === instanceId);
      if (!instanceId) return liveStream(source, { ...streamOptions(ctx), allow: (e) => ctx.access!.sees(e.message.instanceId) });
      await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      return liveStream(source, streamOptions(ctx, instanceId));
    },
    resolve: (event) => orLost(event),
  }),
}));
