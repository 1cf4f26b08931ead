import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RestDeps } from './context.ts';
import { ok } from './envelope.ts';
import { instanceNotConnected } from '../services/shared/index.ts';
import { unixSeconds } from './presenters.ts';
import { group, sendTextHandler, sendUploadHandler, sendUrlHandler } from './send-handlers.ts';
import { fromField, resolveSender, type SenderParams } from './sender.ts';

const inGroup = { legacy: { scope: 'group' as const } };
const byNumber = { legacy: { scope: 'by-number' as const } };

const MAX_CONTACTS_PAGE = 50;

/** Groups (docs/sudevwa-api.md §7) and the contact list (§8), from what the instance's session knows. */
export function groupRoutes(deps: RestDeps) {
  const listGroups = async (request: FastifyRequest) => {
    const req = request as FastifyRequest<{ Params: SenderParams }>;
    const groups = await deps.instances.listGroups(await resolveSender(deps, req));
    return ok('Groups retrieved', {
      ...fromField(req.params),
      total: groups.length,
      groups: groups.map((g) => ({
        jid: g.jid,
        name: g.subject,
        topic: g.description ?? '',
        participants: g.participantCount,
        ownerJid: g.ownerJid ?? '',
        createdAt: unixSeconds(g.createdAt),
      })),
    });
  };

  return async (app: FastifyInstance) => {
    app.get('/groups/:instanceId', { config: inGroup }, listGroups);
    app.get('/groups/by-number/:phoneNumber', { config: byNumber }, listGroups);
    app.post('/send-group/:instanceId', { config: inGroup }, sendTextHandler(deps, group));
    app.post('/send-group/:instanceId/media', { config: inGroup }, sendUploadHandler(deps, group));
    app.post('/send-group/:instanceId/media-url', { config: inGroup }, sendUrlHandler(deps, group));
    app.post('/send-group/by-number/:phoneNumber', { config: byNumber }, sendTextHandler(deps, group));
    app.post('/send-group/by-number/:phoneNumber/media', { config: byNumber }, sendUploadHandler(deps, group));
    app.post('/send-group/by-number/:phoneNumber/media-url', { config: byNumber }, sendUrlHandler(deps, group));

    app.get<{ Params: { instanceId: string }; Querystring: { page?: string; limit?: string; search?: string } }>(
      '/contacts/:instanceId',
      { config: { legacy: { scope: 'session' } } },
      async (req) => {
        const page = Math.max(1, Number.parseInt(req.query.page ?? '', 10) || 1);
        const limit = Math.min(MAX_CONTACTS_PAGE, Math.max(1, Number.parseInt(req.query.limit ?? '', 10) || MAX_CONTACTS_PAGE));
        const search = (req.query.search ?? '').trim().toLowerCase();
        // SUDEVWA runs its session checks first: an offline instance answers NOT_CONNECTED.
        const instance = await deps.instances.get(req.params.instanceId);
        if (instance.status !== 'ONLINE') throw instanceNotConnected(instance.id, instance.status);
        // The contact store (services/contacts). SUDEVWA skips LID-only contacts and names by
        // full name, then business name, then push name, then number.
        const all = (await deps.contacts.list(req.params.instanceId)).flatMap((c) =>
          c.phoneNumber ? [{ jid: `${c.phoneNumber}@s.whatsapp.net`, phoneNumber: c.phoneNumber, name: c.name ?? c.verifiedName ?? c.pushName ?? c.phoneNumber, isGroup: false }] : [],
        );
        const matching = search ? all.filter((c) => [c.name, c.jid, c.phoneNumber].some((v) => v.toLowerCase().includes(search))) : all;
        const totalPages = Math.ceil(matching.length / limit);
        return ok('Contact list retrieved successfully', {
          total: matching.length,
          page,
          limit,
          totalPages,
          search: req.query.search ?? '',
          contacts: matching.slice((page - 1) * limit, page * limit),
          hasNextPage: page < totalPages,
          hasPrevPage: page > 1,
        });
      },
    );
  };
}
