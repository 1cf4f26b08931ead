import { proto, type BinaryNode, type WASocket } from '@whiskeysockets/baileys';
import type { MessageDirection, MessageStatus } from './types.ts';

/** What WhatsApp said about messages: the server's ack of a send, or a recipient's receipt. */
export interface StatusReport {
  waIds: string[];
  status: MessageStatus;
  at: Date;
  /** OUTBOUND: about our sends; INBOUND: about received messages (read on the account's phone). */
  direction: MessageDirection;
  /** FAILED: WhatsApp's error code (463 reach-out timelock, 475 message capping, …). */
  errorCode?: string;
}

const FROM_PROTO: Partial<Record<number, MessageStatus>> = {
  [proto.WebMessageInfo.Status.SERVER_ACK]: 'SENT',
  [proto.WebMessageInfo.Status.DELIVERY_ACK]: 'DELIVERED',
  [proto.WebMessageInfo.Status.READ]: 'READ',
  [proto.WebMessageInfo.Status.PLAYED]: 'PLAYED',
};

/**
 * Listens to one Baileys socket for everything that moves a stored message's status. Baileys turns
 * receipts into `messages.update` (direct chats) and `message-receipt.update` (groups), but the
 * server's ack of a send (`<ack class="message">`) only surfaces when it carries an error, so that
 * node is read off the socket's own event stream, which Baileys offers for exactly this.
 */
export function watchStatuses(sock: WASocket, report: (r: StatusReport) => void): void {
  sock.ev.on('messages.update', (updates) => {
    for (const { key, update } of updates) {
      const status = typeof update.status === 'number' ? FROM_PROTO[update.status] : undefined;
      if (!status || !key.id) continue;
      // A received message only moves when the account itself read or played it (on its phone).
      if (!key.fromMe && status !== 'READ' && status !== 'PLAYED') continue;
      report({ waIds: [key.id], status, at: new Date(), direction: key.fromMe ? 'OUTBOUND' : 'INBOUND' });
    }
  });
  // While Baileys' event buffer is on, a receipt for a send still in the buffer is folded into that
  // send's own `messages.upsert` (its `status`) and never surfaces as `messages.update`.
  sock.ev.on('messages.upsert', ({ messages }) => {
    for (const m of messages) {
      const status = m.key.fromMe && typeof m.status === 'number' ? FROM_PROTO[m.status] : undefined;
      // Only receipts: the upsert of a send is written before the server's ack (SENT comes from the ack node).
      if (m.key.id && status && status !== 'SENT') report({ waIds: [m.key.id], status, at: new Date(), direction: 'OUTBOUND' });
    }
  });
  sock.ev.on('message-receipt.update', (updates) => {
    for (const { key, receipt } of updates) {
      if (!key.id || !key.fromMe) continue;
      const status: MessageStatus | undefined = receipt.playedTimestamp ? 'PLAYED' : receipt.readTimestamp ? 'READ' : receipt.receiptTimestamp ? 'DELIVERED' : undefined;
      if (status) report({ waIds: [key.id], status, at: new Date(), direction: 'OUTBOUND' });
    }
  });
  sock.ws.on('CB:ack,class:message', (node: BinaryNode) => {
    const id = node.attrs.id;
    if (!id) return;
    const error = node.attrs.error;
    report({ waIds: [id], status: error ? 'FAILED' : 'SENT', at: new Date(), direction: 'OUTBOUND', ...(error ? { errorCode: error } : {}) });
  });
}
