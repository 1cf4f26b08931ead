import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { body, caller, text, type RestDeps } from './context.ts';
import { ok, RestError } from './envelope.ts';
import { instanceItem, sortInstances } from './presenters.ts';

type ById = { Params: { instanceId: string } };

const LINKING = new Set(['QR_PENDING', 'PAIRING']);

/** Instance lifecycle and management (docs/sudevwa-api.md §4): create, QR, status, logout, delete, list, labels, device. */
export function instanceRoutes(deps: RestDeps) {
  const { instances } = deps;
  return async (app: FastifyInstance) => {
    // `kelompok` becomes the group label. The instance also needs a unique name, which SUDEVWA has
    // no notion of: an optional `name`, else one made up from the label.
    app.post('/login', { config: { legacy: { bindCode: 'BAD_REQUEST' } } }, async (req) => {
      const fields = body(req);
      const kelompok = text(req, fields, 'kelompok');
      if (!kelompok) throw RestError.of(400, "Field 'kelompok' is required", 'KELOMPOK_REQUIRED');
      const name = text(req, fields, 'name') || `${kelompok.slice(0, 48)}-${randomBytes(4).toString('hex')}`;
      const created = await instances.create({ name, groupLabel: kelompok, ownerId: caller(req).principal.userId });
      return ok('Instance created, QR code required', { instanceId: created.id, status: 'qr_required', nextStep: 'Call GET /qr/:instanceId to get QR code' });
    });

    app.get<ById>('/qr/:instanceId', async (req, reply) => {
      const { instanceId } = req.params;
      const current = await instances.get(instanceId);
      if (current.status === 'ONLINE') return ok('Already connected', { status: 'already_connected', jid: current.jid ?? '' });
      if (LINKING.has(current.status)) {
        throw RestError.of(409, 'QR generation already in progress, please wait', 'QR_IN_PROGRESS', 'Please wait or cancel the current QR generation first.');
      }
      // Also the "reuse after logout" path: a LOGGED_OUT instance starts a fresh QR run on its id.
      const connected = await instances.connect(instanceId);
      if (connected.status === 'ONLINE') return ok('Already connected', { status: 'already_connected', jid: connected.jid ?? '' });
      // Linked before (creds stored): it reconnects instead of showing QR codes.
      if (connected.status === 'CONNECTING' || connected.status === 'RECONNECTING') {
        return ok('Reconnecting with stored credentials', { status: 'reconnecting', instance_id: instanceId });
      }
      const message = 'QR codes will be sent via WebSocket. Listen to QR_GENERATED event.';
      return reply.send(ok('QR generation started', { status: 'generating', message, instance_id: instanceId, timeout: '3 minutes' }));
    });

    app.delete<ById>('/qr-cancel/:instanceId', async (req) => {
      const { instanceId } = req.params;
      if (!(await instances.cancelLinking(instanceId))) throw RestError.of(404, 'No active QR generation', 'NO_QR_SESSION', 'No QR generation in progress for this instance.');
      return ok('QR generation cancelled successfully', { instance_id: instanceId, status: 'cancelled' });
    });

    app.get<ById>('/status/:instanceId', { config: { legacy: { scope: 'session' } } }, async (req) => {
      const v = await instances.get(req.params.instanceId);
      return ok('Status retrieved', { instanceId: v.id, isConnected: v.status === 'ONLINE', jid: v.jid ?? '', status: v.status });
    });

    app.post<ById>('/logout/:instanceId', { config: { legacy: { scope: 'session' } } }, async (req) => {
      const { instanceId } = req.params;
      const current = await instances.get(instanceId);
      // Nothing linked or connecting: SUDEVWA has no session to log out.
      if (current.status === 'CREATED' || current.status === 'LOGGED_OUT') throw RestError.of(404, 'Session not found', 'SESSION_NOT_FOUND', 'session not found');
      await instances.logout(instanceId);
      return ok('Logged out successfully', { instanceId });
    });

    app.delete<ById>('/instances/:instanceId', { config: { legacy: { scope: 'instance' } } }, async (req) => {
      const { instanceId } = req.params;
      const current = await instances.get(instanceId);
      if (current.status === 'ONLINE') throw RestError.of(400, 'Instance is still connected. Please logout first.', 'INSTANCE_STILL_CONNECTED');
      await instances.delete(instanceId);
      return ok('Instance deleted successfully', { instanceId });
    });

    app.get<{ Querystring: { all?: string } }>('/instances', async (req) => {
      const visible = await caller(req).access.filter(await instances.list());
      const all = req.query.all === 'true';
      const items = sortInstances(visible.filter((v) => all || v.status === 'ONLINE').map(instanceItem));
      return ok('Instances retrieved', { total: items.length, instances: items.length || !deps.legacy.nullEmptyInstanceList ? items : null });
    });

    app.patch<ById>('/instances/:instanceId', { config: { legacy: { scope: 'instance', bindCode: 'BAD_REQUEST' } } }, async (req) => {
      const fields = body(req);
      // Go's typed Bind refuses a value of the wrong type as a bad body.
      if (fields.used !== undefined && typeof fields.used !== 'boolean') throw RestError.of(400, 'Invalid request body', 'BAD_REQUEST', "field 'used' must be true or false");
      const changes = {
        ...(fields.circle !== undefined ? { groupLabel: text(req, fields, 'circle') } : {}),
        ...(fields.keterangan !== undefined ? { note: text(req, fields, 'keterangan') } : {}),
        ...(typeof fields.used === 'boolean' ? { used: fields.used } : {}),
      };
      if (!Object.keys(changes).length) throw RestError.of(400, 'At least one field (used, keterangan, or circle) must be provided', 'NO_FIELDS');
      await instances.updateLabels(req.params.instanceId, changes);
      return ok('Instance updated successfully', { instanceId: req.params.instanceId });
    });

    app.get<ById>('/info-device/:instanceId', { config: { legacy: { scope: 'session' } } }, async (req) => {
      const device = await instances.deviceInfo(req.params.instanceId);
      return ok('Device info retrieved', { instanceId: device.instanceId, jid: device.deviceJid, phoneNumber: device.phoneNumber });
    });
  };
}
