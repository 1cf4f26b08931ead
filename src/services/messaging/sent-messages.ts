import { generateWAMessageContent, proto } from '@whiskeysockets/baileys';
import type { MessageRepository } from '../../db/message.repository.ts';
import type { SentMessage } from '../instances/index.ts';
import type { MediaReferences } from './kind-sends.ts';
import { toBaileysContent, type OutboundContent } from './outbound-content.ts';

/** Rows never handed to WhatsApp: no phone can ask for them again. */
const NOT_SENT = new Set(['SCHEDULED', 'QUEUED', 'CANCELLED']);

/**
 * What this instance sent under a WhatsApp id, rebuilt from the ledger, for Baileys' `getMessage`
 * (a phone's retry receipt is answered by re-encrypting it). The session remembers recent sends in
 * memory only; a retry receipt that arrives after a restart (WhatsApp keeps it while the gateway is
 * away) would otherwise find nothing and the message would be lost at the phone. Media is the
 * message Baileys returned (its reference, kept for forwards): nothing is uploaded again. Rebuilt
 * content carries a new random `messageSecret` where Baileys adds one; a poll keeps its own.
 */
export async function rebuildSentMessage(
  deps: { repo: Pick<MessageRepository, 'findByWaId'>; media: MediaReferences },
  instanceId: string,
  id: string,
): Promise<SentMessage | undefined> {
  const row = await deps.repo.findByWaId(instanceId, id);
  if (row?.direction !== 'OUTBOUND' || NOT_SENT.has(row.status)) return undefined;
  const message = await rebuildContent(deps, instanceId, id, row);
  return message ? { chat: row.chatJid, message } : undefined;
}

async function rebuildContent(
  deps: { media: MediaReferences },
  instanceId: string,
  id: string,
  row: NonNullable<Awaited<ReturnType<MessageRepository['findByWaId']>>>,
): Promise<proto.IMessage | undefined> {
  const outbox = (row.content.outbox ?? {}) as { media?: unknown; content?: OutboundContent };
  if (outbox.media || outbox.content?.type === 'media') {
    const ref = await deps.media.reference(instanceId, id);
    return ref?.message ? proto.Message.decode(ref.message) : undefined;
  }
  const content: OutboundContent | undefined = outbox.content ?? (row.content.text ? { type: 'text', text: row.content.text } : undefined);
  if (!content) return undefined;
  return generateWAMessageContent(toBaileysContent(content), {
    upload: () => Promise.reject(new Error('a message sent again is rebuilt, never uploaded')),
  });
}
