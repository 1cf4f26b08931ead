import type { IncomingMessage } from '../services/messaging/index.ts';
import { mediaDownloadPath } from '../http/media-download.route.ts';

/** SUDEVWA's `incoming_message` payload (snake_case, unix seconds), shared by its WebSocket and webhook. */
export interface LegacyIncomingPayload {
  instance_id: string;
  /** The sender's JID; in groups the participant (the group JID is not part of SUDEVWA's payload). */
  from: string;
  from_me: boolean;
  message: string;
  timestamp: number;
  is_group: boolean;
  message_id: string;
  push_name: string;
  /**
   * Added by wamux (SUDEVWA sent nothing about media): present on image, video, audio, voice,
   * document and sticker messages. `download_path` is on this gateway (`GET`, same Authorization as
   * the API) and streams the decrypted file.
   */
  media?: { kind: string; mime_type: string; size: number | null; file_name: string | null; caption: string | null; download_path: string };
  /**
   * Added by wamux, only on the kinds SUDEVWA did not know (it sent them with an empty `message`):
   * a location, shared contacts, a reaction or a poll. Text and media payloads are unchanged.
   */
  location?: { latitude: number; longitude: number; name: string | null; address: string | null; live: boolean };
  contacts?: Array<{ display_name: string; vcard: string; phone_numbers: string[] }>;
  reaction?: { emoji: string; message_id: string };
  poll?: { question: string; options: string[]; selectable_count: number };
}

/** The keys new kinds add (snake_case like the rest of the payload). */
function newKindKeys(m: IncomingMessage): Partial<LegacyIncomingPayload> {
  const d = m.details ?? {};
  if (m.type === 'LOCATION' && d.location) return { location: d.location };
  if (m.type === 'CONTACT' && d.contacts) return { contacts: d.contacts.map((c) => ({ display_name: c.displayName, vcard: c.vcard, phone_numbers: c.phoneNumbers })) };
  if (m.type === 'REACTION' && d.reaction) return { reaction: { emoji: d.reaction.emoji, message_id: d.reaction.targetId } };
  if (m.type === 'POLL' && d.poll) return { poll: { question: d.poll.question, options: d.poll.options, selectable_count: d.poll.selectableCount } };
  return {};
}

export function legacyIncomingPayload(m: IncomingMessage): LegacyIncomingPayload {
  return {
    instance_id: m.instanceId,
    from: m.sender.jid,
    from_me: m.fromMe,
    message: m.text ?? '',
    timestamp: Math.floor(m.timestamp.getTime() / 1000),
    is_group: m.isGroup,
    message_id: m.id,
    push_name: m.sender.pushName ?? '',
    ...(m.media
      ? {
          media: {
            kind: m.media.kind,
            mime_type: m.media.mimeType,
            size: m.media.size,
            file_name: m.media.fileName,
            caption: m.media.caption,
            download_path: mediaDownloadPath(m.instanceId, m.id),
          },
        }
      : {}),
    ...newKindKeys(m),
  };
}

/** SUDEVWA skips the account's own messages for both the WebSocket and the webhook. */
export const isLegacyIncoming = (m: IncomingMessage) => !m.fromMe;
