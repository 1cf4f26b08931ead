import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Phone, ReceivedMessage } from './accounts.ts';
import type { Group } from './groups.ts';
import { SandboxError } from './errors.ts';
import { buildKindMessage, decoded, kindBodies, type KindChat } from './message-kinds.ts';
import { ABOUT_MAX, profileView, setBlocked, setGroupPicture, updateProfile } from './profiles.ts';
import { proto } from './wa.ts';
import type { WhatsAppSandbox } from './sandbox.ts';

const phoneBody = z.object({ phoneNumber: z.union([z.string(), z.number()]).transform(String), pushName: z.string().max(64).optional() });
const mediaBody = z.object({
  kind: z.enum(['image', 'video', 'audio', 'voice', 'document', 'sticker']),
  base64: z.string().min(1).optional(),
  url: z.string().url().optional(),
  mimeType: z.string().min(3),
  fileName: z.string().max(255).optional(),
  caption: z.string().max(4096).optional(),
}).refine((m) => !!m.base64 !== !!m.url, { message: 'give exactly one of base64 or url' });
const messageBody = z.union([
  z.object({ to: z.string().min(1), text: z.string().min(1).max(65_536) }),
  z.object({ to: z.string().min(1), media: mediaBody }),
  // Any message content as protobuf JSON (bytes as base64): what a modified or hostile client could
  // send, e.g. media whose url or directPath points somewhere else.
  z.object({ to: z.string().min(1), raw: z.record(z.string(), z.unknown()) }),
  // Typed kinds (direct chats): location, contacts, poll, reaction, edit, revoke, poll vote, reply.
  ...kindBodies,
]);
const phoneNumber = z.union([z.string(), z.number()]).transform(String);
const groupBody = z.object({
  subject: z.string().min(1).max(100),
  owner: phoneNumber,
  participants: z.array(phoneNumber),
  admins: z.array(phoneNumber).optional(),
  description: z.string().max(2048).optional(),
  addressingMode: z.enum(['lid', 'pn']).optional(),
  jidStyle: z.enum(['new', 'legacy']).optional(),
});
const groupChangeBody = z.union([
  z.object({ by: phoneNumber, subject: z.string() }),
  z.object({ by: phoneNumber, description: z.string().nullable() }),
  z.object({ by: phoneNumber, setting: z.enum(['announcement', 'not_announcement', 'locked', 'unlocked']) }),
  z.object({ by: phoneNumber, leave: z.literal(true) }),
  z.object({ by: phoneNumber, action: z.enum(['add', 'remove', 'promote', 'demote']), participants: z.array(phoneNumber).min(1) }),
]);
const profileBody = z.object({
  pushName: z.string().min(1).max(25).optional(),
  about: z.string().max(ABOUT_MAX).nullable().optional(),
  // A JPEG, as the app uploads it; null removes the picture.
  picture: z.object({ base64: z.string().min(1) }).nullable().optional(),
});
const blockBody = z.object({ action: z.enum(['block', 'unblock']), phoneNumber });
const faultBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drop'), phoneNumber: z.string().optional() }),
  z.object({ kind: z.literal('stream-error'), code: z.number().int().optional(), phoneNumber: z.string().optional() }),
  z.object({ kind: z.literal('refuse-logins'), code: z.number().int().optional(), seconds: z.number().optional() }),
  z.object({ kind: z.literal('delay'), ms: z.number().optional(), seconds: z.number().optional() }),
  z.object({ kind: z.literal('slow-catch-up'), phoneNumber: z.string().optional(), count: z.number().int().optional(), seconds: z.number().optional() }),
  ...(['drop-after-write', 'duplicate', 'out-of-order', 'drop-on-query', 'phone-decrypt-failure'] as const).map((kind) =>
    z.object({ kind: z.literal(kind), phoneNumber: z.string().optional(), count: z.number().int().optional() }),
  ),
  z.object({ kind: z.literal('reject-sends'), code: z.union([z.literal(463), z.literal(475)]).optional(), phoneNumber: z.string().optional(), count: z.number().int().optional() }),
  ...(['reset-session', 'corrupt-session', 'new-identity'] as const).map((kind) => z.object({ kind: z.literal(kind), phoneNumber: z.string() })),
  z.object({ kind: z.literal('clear') }),
]);

function rawMessage(raw: Record<string, unknown>): proto.IMessage {
  try {
    return proto.Message.fromObject(raw);
  } catch (err) {
    throw new SandboxError('INVALID_REQUEST', `raw: not a Message as protobuf JSON: ${(err as Error).message}`);
  }
}

const phoneView = (p: Phone) => ({ phoneNumber: p.phoneNumber, lid: p.lid, pushName: p.pushName, devices: p.companions.size });
const groupView = (sandbox: WhatsAppSandbox) => (g: Group) => ({
  jid: g.jid,
  subject: g.subject,
  description: g.description?.text ?? null,
  owner: g.owner,
  creation: g.creation,
  addressingMode: g.addressingMode,
  announce: !!g.announce,
  locked: !!g.locked,
  inviteCode: g.inviteCode ?? null,
  picture: g.picture ?? null,
  participants: g.participants.map((p) => {
    const phone = sandbox.phone(p.phoneNumber);
    return { phoneNumber: p.phoneNumber, jid: phone.jid, lid: phone.lidJid, role: p.role };
  }),
});
/** What the phone received, summarised, with the decrypted content as protobuf JSON (`content`). */
const messageView = ({ message, ...m }: ReceivedMessage) => ({ ...m, content: decoded(message) });

/** A typed kind's chat: a group by its JID, else the phone with that number. */
function kindChat(sandbox: WhatsAppSandbox, to: string): KindChat {
  if (to.endsWith('@g.us')) return { jid: to, group: sandbox.group(to) };
  const peer = sandbox.phone(to.split('@')[0]!);
  return { jid: peer.jid, peer };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new SandboxError('INVALID_REQUEST', detail);
  }
  return result.data;
}

/**
 * The sandbox's HTTP JSON control API: what a person clicking through a demo, or a test in another
 * process, does with the fake phones. Mount it with a prefix (`/sandbox`).
 */
export const sandboxControlApi: FastifyPluginAsync<{ sandbox: WhatsAppSandbox }> = async (app: FastifyInstance, { sandbox }) => {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof SandboxError) return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code ?? 'BAD_REQUEST', message: err.message } });
    }
    app.log.error({ err }, 'sandbox control API failed');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal sandbox error' } });
  });

  app.get('/info', async () => sandbox.info);
  // The media CA, for a process on another machine that cannot read `caCertPath` (see trust.ts).
  app.get('/ca.pem', async (_req, reply) => reply.type('application/x-pem-file').send(sandbox.trust.caCertPem));

  app.post('/phones', async (req, reply) => {
    const body = parse(phoneBody, req.body);
    const existed = sandbox.phones().some((p) => p.phoneNumber === body.phoneNumber.replace(/\D/g, ''));
    const phone = sandbox.createPhone(body);
    return reply.status(existed ? 200 : 201).send({ phoneNumber: phone.phoneNumber, lid: phone.lid, pushName: phone.pushName });
  });

  app.get('/phones', async () => sandbox.phones().map(phoneView));

  app.get<{ Params: { phone: string } }>('/phones/:phone/devices', async (req) => sandbox.devices(req.params.phone));

  app.post<{ Params: { phone: string } }>('/phones/:phone/scan', async (req) => {
    const { qr } = parse(z.object({ qr: z.string().min(1) }), req.body);
    const companion = await sandbox.scanQr(req.params.phone, qr);
    return { deviceId: companion.deviceId };
  });

  app.post<{ Params: { phone: string } }>('/phones/:phone/pairing-code', async (req) => {
    const { code } = parse(z.object({ code: z.string().min(1) }), req.body);
    const companion = await sandbox.enterPairingCode(req.params.phone, code);
    return { deviceId: companion.deviceId };
  });

  app.post<{ Params: { phone: string } }>('/phones/:phone/messages', async (req, reply) => {
    const body = parse(messageBody, req.body);
    const id =
      'text' in body
        ? await sandbox.sendText(req.params.phone, body.to, body.text)
        : 'media' in body
          ? await sandbox.sendMedia(req.params.phone, body.to, body.media)
          : 'raw' in body
            ? await sandbox.sendMessage(req.params.phone, body.to, rawMessage(body.raw))
            : await sandbox.sendMessage(req.params.phone, body.to, buildKindMessage(sandbox.phone(req.params.phone), kindChat(sandbox, body.to), body));
    return reply.status(201).send({ id });
  });

  app.get<{ Params: { phone: string } }>('/phones/:phone/messages', async (req) => sandbox.messages(req.params.phone).map(messageView));

  app.get<{ Params: { phone: string; id: string } }>('/phones/:phone/messages/:id/media', async (req, reply) => {
    const { bytes, mimeType } = await sandbox.downloadMedia(req.params.phone, req.params.id);
    return reply.type(mimeType).send(bytes);
  });

  app.get<{ Params: { phone: string } }>('/phones/:phone/receipts', async (req) => sandbox.receipts(req.params.phone));

  app.post<{ Params: { phone: string } }>('/phones/:phone/read', async (req) => {
    const { messageIds } = parse(z.object({ messageIds: z.array(z.string().min(1)).min(1) }), req.body);
    return { read: sandbox.markRead(req.params.phone, messageIds) };
  });

  // The phone lost a companion's message (its plaintext is gone) and asks that device for it again;
  // with `device`, it asks any device for any id (as a modified client can), from its LID if asked.
  app.post<{ Params: { phone: string; id: string } }>('/phones/:phone/messages/:id/retry', async (req) => {
    const ask = parse(
      z.object({ device: z.object({ phoneNumber, deviceId: z.number().int().min(1) }).optional(), addressing: z.enum(['pn', 'lid']).optional() }),
      req.body ?? {},
    );
    sandbox.askAgain(req.params.phone, req.params.id, ask);
    return { ok: true };
  });

  // Presence and typing (chatstate) the phone's contacts' companions sent it.
  app.get<{ Params: { phone: string } }>('/phones/:phone/presences', async (req) => sandbox.presences(req.params.phone));

  app.post<{ Params: { phone: string } }>('/phones/:phone/presence', async (req) => {
    const { state, to } = parse(z.object({ state: z.string(), to: z.string().optional() }), req.body);
    sandbox.sendPresence(req.params.phone, state, to);
    return { ok: true };
  });

  app.post<{ Params: { phone: string } }>('/phones/:phone/unlink', async (req) => {
    const { deviceId } = parse(z.object({ deviceId: z.number().int().positive().optional() }), req.body);
    return { unlinked: sandbox.unlink(req.params.phone, deviceId) };
  });

  // The phone's profile (push name, about, picture) and block list: what its contacts see of it.
  app.get<{ Params: { phone: string } }>('/phones/:phone/profile', async (req) => profileView(sandbox.phone(req.params.phone)));

  app.post<{ Params: { phone: string } }>('/phones/:phone/profile', async (req) => {
    const { picture, ...rest } = parse(profileBody, req.body);
    const phone = sandbox.phone(req.params.phone);
    await updateProfile(sandbox.net, phone, { ...rest, ...(picture !== undefined ? { pictureBase64: picture?.base64 ?? null } : {}) });
    return profileView(phone);
  });

  // The picture's bytes, as the phone's contacts download them.
  app.get<{ Params: { phone: string } }>('/phones/:phone/picture', async (req, reply) => {
    const picture = sandbox.phone(req.params.phone).picture;
    const bytes = picture && (await sandbox.net.files?.fetch(picture.directPath));
    if (!bytes) throw new SandboxError('NOT_FOUND', `${req.params.phone} has no profile picture`, 404);
    return reply.type('image/jpeg').send(bytes);
  });

  app.post<{ Params: { phone: string } }>('/phones/:phone/blocklist', async (req) => {
    const { action, phoneNumber: target } = parse(blockBody, req.body);
    const phone = sandbox.phone(req.params.phone);
    setBlocked(sandbox.net, phone, sandbox.phone(target), action === 'block');
    return { blocked: [...phone.blocked] };
  });

  app.post('/groups', async (req, reply) => {
    const group = sandbox.createGroup(parse(groupBody, req.body));
    return reply.status(201).send({ jid: group.jid });
  });

  app.get('/groups', async () => sandbox.groups().map(groupView(sandbox)));

  // A member phone changes a group (subject, description, a setting, members, or leaves it).
  app.post<{ Params: { jid: string } }>('/groups/:jid/changes', async (req) => {
    const { by, ...change } = parse(groupChangeBody, req.body);
    return sandbox.changeGroup(req.params.jid, by, change);
  });

  // A member phone sets (a JPEG) or removes (null) the group's icon.
  app.post<{ Params: { jid: string } }>('/groups/:jid/picture', async (req) => {
    const { by, picture } = parse(z.object({ by: phoneNumber, picture: z.object({ base64: z.string().min(1) }).nullable() }), req.body);
    const set = await setGroupPicture(sandbox.net, sandbox.group(req.params.jid), sandbox.phone(by), picture ? Buffer.from(picture.base64, 'base64') : null);
    return { picture: set ?? null };
  });

  app.post<{ Params: { jid: string } }>('/groups/:jid/invite', async (req) => {
    const { by } = parse(z.object({ by: phoneNumber }), req.body);
    return { code: sandbox.groupInviteCode(req.params.jid, by) };
  });

  app.post<{ Params: { phone: string } }>('/phones/:phone/join', async (req) => {
    const { code } = parse(z.object({ code: z.string().min(1) }), req.body);
    return { jid: sandbox.joinGroup(req.params.phone, code).jid };
  });

  app.get<{ Params: { phone: string } }>('/phones/:phone/group-events', async (req) => sandbox.groupEvents(req.params.phone));

  app.post('/faults', async (req) => sandbox.fault(parse(faultBody, req.body)));

  // What the server saw go wrong, by phone number (retry receipts, nacks, failed decrypts, refused sends).
  app.get('/stats', async () => sandbox.net.stats);
};
