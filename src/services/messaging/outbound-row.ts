import type { NewMessage } from '../../db/message.repository.ts';
import { DomainError } from '../shared/index.ts';
import type { OutboundContent, OutboundContext } from './outbound-content.ts';
import type { MessageDetails, MessageKind } from './types.ts';

// What the send queue writes to the ledger for a send, before it is handed to WhatsApp.

/** One send of any kind for the queue (see `SendQueue.enqueue`). */
export interface EnqueueInput {
  instanceId?: string;
  fromPhoneNumber?: string;
  /** A phone number or a JID. */
  to: string;
  kind: MessageKind;
  /** What the ledger shows as `text`. */
  text?: string | null;
  /** Omitted: a plain text of `text`. */
  outbound?: OutboundContent;
  details?: MessageDetails;
  /** A poll's secret (base64): its votes are decrypted with it. */
  secret?: string;
  typingMs?: number;
  idempotencyKey?: string;
  /** Not before this time: SCHEDULED until then. */
  sendAt?: Date;
}

/** What a reply, mention or forward shows in the ledger. */
export function detailsOfContext(c: OutboundContext): MessageDetails {
  return {
    ...(c.quote ? { quoted: { id: c.quote.id, senderJid: c.quote.participant, text: c.quote.text } } : {}),
    ...(c.mentions?.length ? { mentions: c.mentions } : {}),
    ...(c.forwarded ? { forwarded: true } : {}),
  };
}

/** The ledger row of a send before its content: QUEUED, outbound, from this account. */
export function outboundRow(instanceId: string, chatJid: string, waId: string, kind: string): Omit<NewMessage, 'content'> {
  return {
    instanceId,
    waId,
    direction: 'OUTBOUND',
    fromMe: true,
    chatJid,
    senderJid: null,
    senderLid: null,
    senderPhone: null,
    kind,
    quotedId: null,
    waTimestamp: new Date(),
    status: 'QUEUED',
  };
}

/** Why a send failed, as the ledger stores it: a domain error's code, SEND_FAILED otherwise. */
export function sendFailure(err: unknown): { errorCode: string; errorMessage: string } {
  if (err instanceof DomainError) return { errorCode: err.code, errorMessage: err.message };
  return { errorCode: 'SEND_FAILED', errorMessage: (err as Error)?.message ?? String(err) };
}
