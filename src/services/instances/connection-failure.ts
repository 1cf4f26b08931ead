import { DisconnectReason } from '@whiskeysockets/baileys';

const statusCodeOf = (err: unknown): number | undefined => (err as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;

/** How Baileys fails a call whose socket closed or went silent under it (see WhatsAppSession.withSocket). */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err === 'number') return true;
  // A write into a socket the peer already closed.
  if (['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'].includes((err as { code?: string } | undefined)?.code ?? '')) return true;
  const code = statusCodeOf(err);
  return code === DisconnectReason.connectionClosed || code === DisconnectReason.timedOut;
}
