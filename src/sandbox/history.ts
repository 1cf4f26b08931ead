import { deflateSync } from 'node:zlib';
import { signalAddress, type Companion, type Phone } from './accounts.ts';
import { type Network, newMessageId, nowSeconds } from './network.ts';
import { serializeFor } from './messaging.ts';
import { takeCompanionBundle } from './prekeys.ts';
import { encodeWAMessage, proto } from './wa.ts';

/**
 * A freshly linked companion waits (up to 20 s, buffering its events) for its phone to push history.
 * The phone sends what WhatsApp sends first: an INITIAL_BOOTSTRAP history-sync notification, here
 * with the payload inline (the companion advertised `inlineInitialPayloadInE2EeMsg`) and no chats.
 */
export async function sendInitialHistory(net: Network, phone: Phone, companion: Companion): Promise<void> {
  const history = proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    conversations: [],
    pushnames: net.directory.all().map((p) => ({ id: p.jid, pushname: p.pushName })),
    progress: 100,
  }).finish();
  const message: proto.IMessage = {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
        initialHistBootstrapInlinePayload: deflateSync(history),
        chunkOrder: 0,
        progress: 100,
      },
    },
  };
  await sendPeerMessage(net, phone, companion, message, () => {
    companion.historySynced = true;
  });
}

/** The phone sends its own companion a protocol message (`category=peer`), encrypted device 0 -> companion. */
export async function sendPeerMessage(net: Network, phone: Phone, companion: Companion, message: proto.IMessage, sent: () => void): Promise<void> {
  const { type, ciphertext } = await serializeFor(phone, () =>
    phone.signal.encrypt(signalAddress(phone, companion.deviceId), encodeWAMessage(message), () => takeCompanionBundle(net, companion)),
  );
  sent();
  net.changed();
  net.deliver(companion, {
    tag: 'message',
    attrs: { from: phone.jid, id: newMessageId(), t: nowSeconds(), type: 'text', category: 'peer', notify: phone.pushName },
    content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
  });
}
