import type { NewMessage } from '../../db/message.repository.ts';
import { DomainError } from '../shared/index.ts';

// What the send queue writes to the ledger for a send, before it is handed to WhatsApp.

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
