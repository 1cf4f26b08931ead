import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { SendResult } from '../services/messaging/index.ts';
import { body, limit, text, typingMs, type RestDeps } from './context.ts';
import { ok, RestError } from './envelope.ts';
import { kindWord, mediaKind, urlFileName, withUpload } from './media-input.ts';
import { toInternational } from './phone.ts';
import { unixSeconds } from './presenters.ts';
import { fromField, resolveSender, type SenderParams } from './sender.ts';

type Req = FastifyRequest<{ Params: SenderParams }>;

/** Who a send goes to: a person (`to`, phone number or JID) or a group (`groupJid`), and how the answer names them. */
export interface RecipientKind {
  field: 'to' | 'groupJid';
  /** The service's `to`; throws the route family's refusal for a malformed value. */
  resolve(value: string): string;
  /** The keys the answer adds (SUDEVWA: `to` + `verified` for people, `groupJid` for groups). */
  echo(value: string): Record<string, unknown>;
  sentMessage: string;
  mediaSentMessage: string;
}

export function person(deps: RestDeps): RecipientKind {
  return {
    field: 'to',
    resolve: (value) => toInternational(value, deps.legacy.defaultCountryCode),
    // SUDEVWA always says verified: every number is checked on WhatsApp before sending, here too.
    echo: (value) => ({ to: value, verified: true }),
    sentMessage: 'Message sent successfully',
    mediaSentMessage: 'Media sent successfully',
  };
}

export const group: RecipientKind = {
  field: 'groupJid',
  resolve: (value) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(value)) throw RestError.of(400, 'Invalid group JID', 'INVALID_GROUP_JID', `"${value}" is not a JID`);
    if (!value.endsWith('@g.us')) throw RestError.of(400, 'Not a group JID', 'NOT_GROUP_JID', 'Group JID must end with @g.us');
    if (!/^[\d-]{5,40}@g\.us$/.test(value)) throw RestError.of(400, 'Invalid group JID', 'INVALID_GROUP_JID', `"${value}" is not a group JID`);
    return value;
  },
  echo: (value) => ({ groupJid: value }),
  sentMessage: 'Message sent to group',
  mediaSentMessage: 'Media sent to group',
};

const sentKeys = (sent: SendResult) => ({ messageId: sent.messageId, timestamp: unixSeconds(sent.timestamp) });

/** `{to|groupJid, message}` → one text message. */
/** The `Idempotency-Key` header: a retried send with the same key answers the first one's message. */
function idempotencyKey(req: Req): { idempotencyKey?: string } {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? { idempotencyKey: key } : {};
}

export function sendTextHandler(deps: RestDeps, kind: RecipientKind): RouteHandlerMethod {
  const required = kind.field === 'to' ? "Field 'to' and 'message' are required" : "Fields 'groupJid' and 'message' are required";
  return async (request) => {
    const req = request as Req;
    const fields = body(req);
    const [recipient, message] = [text(req, fields, kind.field), typeof fields.message === 'string' ? fields.message : ''];
    if (!recipient || !message.trim()) throw RestError.of(400, required, 'VALIDATION_ERROR');
    const instanceId = await resolveSender(deps, req);
    await limit(deps, req, 'send', instanceId);
    const sent = await deps.messages.sendText({ instanceId, to: kind.resolve(recipient), text: message, typingMs: typingMs(deps), ...idempotencyKey(req) });
    return ok(kind.sentMessage, { ...sentKeys(sent), ...fromField(req.params), ...kind.echo(recipient) });
  };
}

const mediaAnswer = (kind: RecipientKind, req: Req, recipient: string, sent: SendResult, mediaType: string) =>
  ok(kind.mediaSentMessage, {
    ...sentKeys(sent),
    ...fromField(req.params),
    ...kind.echo(recipient),
    mediaType,
    fileName: sent.media?.fileName ?? '',
    fileSize: sent.media?.size ?? 0,
  });

/** Multipart `{to|groupJid, caption?, file}`, the file streamed into the send. */
export function sendUploadHandler(deps: RestDeps, kind: RecipientKind): RouteHandlerMethod {
  return async (request, _reply: FastifyReply) => {
    const req = request as Req;
    return withUpload(req, kind.field, async (fields, file) => {
      const recipient = fields[kind.field]!;
      const instanceId = await resolveSender(deps, req);
      await limit(deps, req, 'send', instanceId);
      const mediaType = mediaKind(file.fileName);
      const sent = await deps.messages.sendMedia({
        ...idempotencyKey(req),
        instanceId,
        to: kind.resolve(recipient),
        kind: mediaType,
        source: { stream: file.stream, fileName: file.fileName },
        ...(fields.caption && mediaType !== 'AUDIO' ? { caption: fields.caption } : {}),
        typingMs: typingMs(deps),
      });
      return mediaAnswer(kind, req, recipient, sent, kindWord(mediaType));
    });
  };
}

/** JSON `{to|groupJid, mediaUrl, caption?, mediaType?}`: the gateway downloads, then sends. */
export function sendUrlHandler(deps: RestDeps, kind: RecipientKind): RouteHandlerMethod {
  const required = kind.field === 'to' ? "Fields 'to' and 'mediaUrl' are required" : "Fields 'groupJid' and 'mediaUrl' are required";
  return async (request) => {
    const req = request as Req;
    const fields = body(req);
    const [recipient, mediaUrl, caption, explicitType] = [kind.field, 'mediaUrl', 'caption', 'mediaType'].map((f) => text(req, fields, f)) as [string, string, string, string];
    if (!recipient || !mediaUrl) throw RestError.of(400, required, 'VALIDATION_ERROR');
    const instanceId = await resolveSender(deps, req);
    await limit(deps, req, 'send', instanceId);
    const fileName = urlFileName(mediaUrl);
    const mediaType = mediaKind(fileName, explicitType);
    // SUDEVWA sends audio without a caption; a caption on audio is dropped, not refused.
    const sent = await deps.messages.sendMedia({
      ...idempotencyKey(req),
      instanceId,
      to: kind.resolve(recipient),
      kind: mediaType,
      source: { url: mediaUrl, ...(fileName ? { fileName } : {}) },
      ...(caption && mediaType !== 'AUDIO' ? { caption } : {}),
      typingMs: typingMs(deps),
    });
    return mediaAnswer(kind, req, recipient, sent, kindWord(mediaType));
  };
}
