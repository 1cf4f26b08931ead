import type { Companion } from './accounts.ts';
import type { Connection } from './connection.ts';
import { S_WHATSAPP_NET, takeFault, type Network } from './network.ts';
import type { BinaryNode } from './wa.ts';

/** How long the out-of-order fault holds a message back when no later one comes to overtake it. */
const HOLD_MS = 1_000;

/**
 * Every message, receipt and notification for a companion joins its backlog (`companion.queue`) and
 * stays there until the companion acks it, as on WhatsApp: a stanza written to a socket that then
 * dies is not lost, it comes again (marked `offline`) at the next login. It is written at once only
 * to a connection that already received the backlog, so nothing overtakes older stanzas.
 */
export function deliverStanza(net: Network, companion: Companion, node: BinaryNode): void {
  companion.queue.push(node);
  net.changed();
  const conn = net.connectionOf(companion);
  if (conn?.open && conn.caughtUp) write(net, conn, companion, node);
}

function write(net: Network, conn: Connection, companion: Companion, node: BinaryNode): void {
  // Faults act on messages only: they are what a client must not lose or show twice.
  const fault = node.tag === 'message' ? takeFault(net.faults.delivery, companion.phoneNumber, (f) => f.kind !== 'out-of-order' || !conn.held) : undefined;
  switch (fault?.kind) {
    case 'out-of-order':
      conn.held = { node, timer: setTimeout(() => releaseHeld(conn), HOLD_MS).unref() };
      return;
    case 'duplicate':
      void conn.send(node);
      void conn.send(node);
      break;
    case 'drop-after-write':
      // The client gets the stanza but its ack cannot reach the server: WhatsApp delivers it again.
      void conn.sendFlushed(node).then(() => conn.drop());
      break;
    default:
      void conn.send(node);
  }
  releaseHeld(conn);
}

function releaseHeld(conn: Connection): void {
  const held = conn.held;
  if (!held) return;
  conn.held = undefined;
  clearTimeout(held.timer);
  void conn.send(held.node);
}

/**
 * At login: the whole unacked backlog in order, marked `offline`, then the marker Baileys waits for
 * (it holds its events back until then). Under the slow-catch-up fault the marker comes later, as
 * after a long offline spell; what arrives meanwhile joins the backlog and is written before it.
 */
export function redeliverBacklog(net: Network, conn: Connection, companion: Companion): void {
  const written = new Set<BinaryNode>();
  const writeOffline = (nodes: BinaryNode[]) => {
    for (const node of nodes) {
      written.add(node);
      void conn.send({ ...node, attrs: { ...node.attrs, offline: '1' } });
    }
  };
  writeOffline([...companion.queue]);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    conn.finishCatchUp = undefined;
    if (conn.closed) return;
    writeOffline(companion.queue.filter((n) => !written.has(n)));
    conn.caughtUp = true;
    void conn.send({ tag: 'ib', attrs: { from: S_WHATSAPP_NET }, content: [{ tag: 'offline', attrs: { count: String(written.size) } }] });
  };
  const slow = takeFault(net.faults.slowCatchUp, companion.phoneNumber);
  const timer = slow ? setTimeout(finish, slow.ms).unref() : undefined;
  if (!slow) return finish();
  conn.finishCatchUp = finish;
}

/** A connection ended: a held-back stanza stays in the backlog for the next login. */
export function forgetConnection(conn: Connection): void {
  if (conn.held) clearTimeout(conn.held.timer);
  conn.held = undefined;
  conn.finishCatchUp?.();
}

/**
 * `<ack>` from a companion (Baileys `sendMessageAck`, with or without an error: a nack also means
 * "do not send it again"). It names the stanza by class and id; receipts share their message's id,
 * so for them type, sender and participant tell which one.
 */
export function onClientAck(net: Network, conn: Connection, ack: BinaryNode): void {
  const companion = conn.companion!;
  const a = ack.attrs;
  if (a.error) net.stats.nack(companion.phoneNumber, a.error);
  const index = companion.queue.findIndex(
    (n) =>
      n.tag === a.class &&
      n.attrs.id === a.id &&
      (n.tag !== 'receipt' || ((n.attrs.type ?? '') === (a.type ?? '') && n.attrs.from === a.to && (n.attrs.participant ?? '') === (a.participant ?? ''))),
  );
  if (index < 0) return;
  companion.queue.splice(index, 1);
  net.changed();
}

/** A message the client could decrypt is acknowledged by its receipt (Baileys sends no `<ack>` then). */
export function acknowledgeMessages(net: Network, companion: Companion, ids: string[]): void {
  const before = companion.queue.length;
  const acked = new Set(ids);
  companion.queue = companion.queue.filter((n) => n.tag !== 'message' || !acked.has(n.attrs.id!));
  if (companion.queue.length !== before) net.changed();
}
