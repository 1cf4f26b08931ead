import { onAppStateIq } from './app-state.ts';
import type { Connection } from './connection.ts';
import { onClientAck } from './delivery.ts';
import { onClientChatstate, onClientMessage, onClientPresence, onClientReceipt } from './messaging.ts';
import { onGroupIq } from './groups.ts';
import { iqResult, takeFault, type Network } from './network.ts';
import { onCompanionFinish, onCompanionHello } from './pairing.ts';
import { onEncryptIq } from './prekeys.ts';
import { onPrivacyTokensIq } from './privacy-tokens.ts';
import { onBlocklistIq, onProfilePictureIq, onStatusIq } from './profiles.ts';
import { onRemoveCompanionDevice } from './unlink.ts';
import { onUsyncIq } from './usync.ts';
import { getBinaryNodeChild, type BinaryNode } from './wa.ts';

/** Dispatches every stanza a client sends. Every iq gets an answer: Baileys waits 60 s for an unanswered one. */
export async function routeNode(net: Network, conn: Connection, node: BinaryNode): Promise<void> {
  switch (node.tag) {
    case 'iq':
      return routeIq(net, conn, node);
    case 'message':
      if (conn.companion) await onClientMessage(net, conn, node);
      return;
    case 'receipt':
      if (conn.companion) onClientReceipt(net, conn, node);
      return;
    case 'presence':
      if (conn.companion) onClientPresence(net, conn, node);
      return;
    case 'chatstate':
      if (conn.companion) onClientChatstate(net, conn, node);
      return;
    case 'ack':
      if (conn.companion) onClientAck(net, conn, node);
      return;
    default:
      // ib (telemetry), call: nothing to answer.
      return;
  }
}

function routeIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const { type, xmlns, id } = iq.attrs;
  if (type === 'result' || type === 'error') {
    const waiter = id ? net.pendingIqs.get(id) : undefined;
    waiter?.(iq);
    return;
  }
  const first = Array.isArray(iq.content) ? iq.content[0] : undefined;
  switch (xmlns) {
    case 'encrypt':
      return onEncryptIq(net, conn, iq);
    case 'usync':
      // The drop-on-query fault: the connection dies with the query unanswered.
      if (conn.companion && takeFault(net.faults.dropOnQuery, conn.companion.phoneNumber)) return conn.drop();
      return onUsyncIq(net, conn, iq);
    case 'w:g2':
      if (conn.companion) return onGroupIq(net, conn, iq);
      break;
    case 'w:profile:picture':
      if (conn.companion) return onProfilePictureIq(net, conn, iq);
      break;
    case 'status':
      if (conn.companion) return onStatusIq(net, conn, iq);
      break;
    case 'blocklist':
      if (conn.companion) return onBlocklistIq(net, conn, iq);
      break;
    case 'w:sync:app:state':
      return void onAppStateIq(net, conn, iq);
    case 'md':
      if (first?.tag === 'remove-companion-device') return onRemoveCompanionDevice(net, conn, iq, first);
      if (first?.tag === 'link_code_companion_reg') {
        if (first.attrs.stage === 'companion_hello') return onCompanionHello(net, conn, iq, first);
        if (first.attrs.stage === 'companion_finish') return onCompanionFinish(conn, iq, first);
      }
      break;
    case 'privacy':
      if (conn.companion && first?.tag === 'tokens') return onPrivacyTokensIq(net, conn, iq, first);
      // WhatsApp's defaults: read receipts on (Baileys sends `read`, not `read-self`, when they are).
      if (type === 'get') {
        const categories = { last: 'all', online: 'all', profile: 'all', status: 'contacts', groupadd: 'all', readreceipts: 'all', calladd: 'all' };
        void conn.send(iqResult(iq, [{ tag: 'privacy', attrs: {}, content: Object.entries(categories).map(([name, value]) => ({ tag: 'category', attrs: { name, value } })) }]));
        return;
      }
      break;
    case 'w:m':
      if (getBinaryNodeChild(iq, 'media_conn') && net.mediaHost) {
        const { hostname, authToken, maxBytes } = net.mediaHost();
        void conn.send(iqResult(iq, [{
          tag: 'media_conn',
          attrs: { auth: authToken, ttl: '3600', auth_ttl: '21600', max_buckets: '12' },
          content: [{ tag: 'host', attrs: { hostname, maxContentLengthBytes: String(maxBytes) } }],
        }]));
        return;
      }
      break;
  }
  void conn.send(iqResult(iq));
}
