import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { builder, type Context } from '../schema/builder.ts';
import { ChatType, type ChatParent } from '../schema/chat.ts';
import { parseCursor } from './messages.ts';

const MAX_PAGE = 100;
/** A group's subject is asked from WhatsApp; a chat list does not wait longer than this for it. */
const SUBJECT_WAIT_MS = 3_000;

/**
 * The subjects of the groups an instance is in, asked once per request (one `groupFetchAllParticipating`
 * however many group chats the page holds); null when the instance is offline or WhatsApp is slow.
 */
const subjectsByRequest = new WeakMap<Context, Map<string, Promise<Map<string, string> | null>>>();
function groupSubjects(ctx: Context, instanceId: string): Promise<Map<string, string> | null> {
  let perInstance = subjectsByRequest.get(ctx);
  if (!perInstance) subjectsByRequest.set(ctx, (perInstance = new Map()));
  let subjects = perInstance.get(instanceId);
  if (!subjects) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), SUBJECT_WAIT_MS);
      timer.unref();
    });
    const listed = ctx.groups.list(instanceId).then(
      (groups) => new Map(groups.map((g) => [g.jid, g.subject])),
      () => null,
    );
    subjects = Promise.race([listed, timeout]).finally(() => clearTimeout(timer));
    perInstance.set(instanceId, subjects);
  }
  return subjects;
}

builder.queryFields((t) => ({
  chats: t.connection(
    {
      type: ChatType,
      description: `An instance's chats from its stored messages: one per person or group, with the last message and the unread count, newest activity first (\`first\`/\`after\`; \`last\`/\`before\` from the oldest). At most ${MAX_PAGE} a page. A chat with a new message moves to the top: a client paging down meanwhile does not see it again further down. Fails with INSTANCE_NOT_FOUND.`,
      args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }) },
      resolve: async (_root, args, ctx) => {
        await ctx.instances.get(args.instanceId);
        const [after, before] = [parseCursor(args.after, 'after'), parseCursor(args.before, 'before')];
        return resolveCursorConnection(
          { args, toCursor: (c: ChatParent) => c.cursor, maxSize: MAX_PAGE, defaultSize: 20 },
          async ({ limit, inverted }: ResolveCursorConnectionArgs) => {
            // The list runs from the newest activity down: `after` a cursor is below it, `before` above it.
            const chats = await ctx.chats.page({ instanceId: args.instanceId, belowSeq: after, aboveSeq: before, limit, order: inverted ? 'asc' : 'desc' });
            return chats.map((c): ChatParent => (c.isGroup && !c.name ? { ...c, subject: async () => (await groupSubjects(ctx, args.instanceId))?.get(c.jid) ?? null } : c));
          },
        );
      },
    },
    { name: 'ChatConnection', description: 'A page of chats.' },
    { name: 'ChatEdge', description: 'A chat and its cursor.' },
  ),
}));
