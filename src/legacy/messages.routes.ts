import type { FastifyInstance } from 'fastify';
import { body, limit, text, type RestDeps } from './context.ts';
import { ok, RestError } from './envelope.ts';
import { toInternational } from './phone.ts';
import { person, sendTextHandler, sendUploadHandler, sendUrlHandler } from './send-handlers.ts';

const session = { legacy: { scope: 'session' as const } };
const byNumber = { legacy: { scope: 'by-number' as const } };

/** Sending to people and checking numbers (docs/sudevwa-api.md §6), by instance id and by the sender's number. */
export function messageRoutes(deps: RestDeps) {
  const to = person(deps);
  return async (app: FastifyInstance) => {
    app.post('/send/:instanceId', { config: session }, sendTextHandler(deps, to));
    app.post('/send/:instanceId/media', { config: session }, sendUploadHandler(deps, to));
    app.post('/send/:instanceId/media-url', { config: session }, sendUrlHandler(deps, to));
    app.post('/by-number/:phoneNumber', { config: byNumber }, sendTextHandler(deps, to));
    app.post('/by-number/:phoneNumber/media-url', { config: byNumber }, sendUrlHandler(deps, to));
    app.post('/by-number/:phoneNumber/media-file', { config: byNumber }, sendUploadHandler(deps, to));

    app.post<{ Params: { instanceId: string } }>('/check/:instanceId', { config: session }, async (req) => {
      const phone = text(req, body(req), 'phone');
      if (!phone) throw RestError.of(400, "Field 'phone' is required", 'VALIDATION_ERROR');
      await limit(deps, req, 'checkNumbers', req.params.instanceId);
      const [result] = await deps.messages.checkNumbers(req.params.instanceId, [toInternational(phone, deps.legacy.defaultCountryCode)]);
      if (!result?.phoneNumber) throw RestError.of(400, 'Invalid phone number', 'INVALID_PHONE', `"${phone}" is not a phone number in international form`);
      return ok('Phone number checked', {
        phone,
        isRegistered: result.exists,
        jid: result.jid ?? '',
        willSkipValidation: false,
        note: result.exists ? 'Number is registered and will pass validation when sending' : 'Number is not registered. Message sending will be blocked',
      });
    });
  };
}
