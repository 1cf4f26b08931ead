import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { KnownContactType } from '../schema/contact.ts';
import { CONTACTS_PAGE_MAX, type ContactView } from '../services/contacts/index.ts';
import { parseCursor } from './messages.ts';

builder.queryFields((t) => ({
  contacts: t.connection(
    {
      type: KnownContactType,
      description: `The people an instance knows (contact sync, LID mappings, message senders, group members), kept across reconnects and restarts and readable while offline; in the order they were first met, at most ${CONTACTS_PAGE_MAX} a page. Fails with INSTANCE_NOT_FOUND.`,
      args: {
        instanceId: t.arg.id({ required: true, description: 'The instance.' }),
        search: t.arg.string({ description: 'Only people whose saved, push or verified name contains this (any case), or whose number or LID contains these digits.', validate: z.string().max(100, 'search is at most 100 characters') }),
      },
      resolve: async (_root, args, ctx) => {
        const [after, before] = [parseCursor(args.after, 'after'), parseCursor(args.before, 'before')];
        return resolveCursorConnection(
          { args, toCursor: (c: ContactView) => c.id, maxSize: CONTACTS_PAGE_MAX, defaultSize: 50 },
          ({ limit, inverted }: ResolveCursorConnectionArgs) =>
            ctx.contacts.page(args.instanceId, { search: args.search ?? null, afterId: after, beforeId: before, limit, order: inverted ? 'desc' : 'asc' }),
        );
      },
    },
    { name: 'ContactConnection', description: 'A page of contacts.' },
    { name: 'ContactEdge', description: 'A contact and its cursor.' },
  ),
}));
