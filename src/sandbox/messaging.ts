import { signalAddress, type Companion, type Phone, type ReceivedMessage } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError } from './errors.ts';
import { onClientGroupMessage } from './group-messaging.ts';
import { memberJid } from './groups.ts';
import { acknowledgeMessages } from './delivery.ts';
import { InjectedDecryptFailure } from './stats.ts';
import { childBuffer, type Network, newMessageId, nowSeconds, S_WHATSAPP_NET, takeFault } from './network.ts';
import { takeCompanionBundle } from './prekeys.ts';
import { hasBlocked } from './profiles.ts';
import { answerRetryReceipt, retryKey, sendRetryReceipt } from './retry.ts';
import { encodeWAMessage, getBinaryNodeChild, getBinaryNodeChildren, proto, unpadRandomMax16, type BinaryNode } from './wa.ts';

/** Per-phone chain: Signal ratchets must advance in the order stanzas are sent. */
const chains = new WeakMap<Phone, Promise<unknown>>();
export function serializeFor<T>(phone: Phone, job: () => Promise<T>): Promise<T> {
  const next = (chains.get(phone) ?? Promise.resolve()).then(job, job);
  chains.set(phone, next.catch(() => undefined));
  return next;
}

const MEDIA_KEYS = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage'] as const;
export const stanzaType = (m: proto.IMessage) => (MEDIA_KEYS.some((k) => m[k]) ? 'media' : 'text');

/** A companion sent a message: one `<enc>` per device; the server routes each to its device. */
export async function onClientMessage(net: Network, conn: Connection, node: BinaryNode): Promise<void> {
  const companion = conn.companion!;
  const sender = net.directory.get(companion.phoneNumber)!;
  const id = node.attrs.id!;
  const t = nowSeconds();
  const group = node.attrs.to?.endsWith('@g.us') ? net.groups.get(node.attrs.to) : undefined;
  const chat = net.directory.resolve(node.attrs.to);
  const rejected = !group && chat && chat.phone !== sender ? takeFault(net.faults.rejectSends, sender.phoneNumber) : undefined;
  // A restricted account's 1:1 send is refused in the server ack and goes nowhere (Baileys `handleBadAck`).
  void conn.send({ tag: 'ack', attrs: { class: 'message', id, from: node.attrs.to!, t, ...(rejected ? { error: String(rejected.code) } : {}) } });
  if (rejected) return net.stats.refused(id);
  if (group) return onClientGroupMessage(net, conn, node, group);
  if (chat && chat.phone !== sender) net.stats.remember(net.stats.companionSends, id);
  const deviceIdentity = getBinaryNodeChild(node, 'device-identity');
  const direct = getBinaryNodeChild(node, 'enc');
  // A retry answer (or a peer message) carries one `<enc>` for the device in `to`, not a participant list.
  const targets = direct ? [{ tag: 'to', attrs: { jid: node.attrs.to! }, content: [direct] }] : getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to');
  for (const to of targets) {
    const enc = getBinaryNodeChild(to, 'enc');
    const target = net.directory.resolve(to.attrs.jid);
    const ciphertext = childBuffer(enc);
    if (!enc || !target || !ciphertext) continue;
    // Sent to someone who blocked the sender: the server acks it (one tick) and delivers it nowhere.
    if (hasBlocked(target.phone, sender)) continue;
    const device = target.device ?? 0;
    if (device === 0) {
      await receiveOnPhone(net, target.phone, { sender, senderDevice: companion.deviceId, stanza: node, enc, ciphertext, t: Number(t) });
      continue;
    }
    const recipient = target.phone.companions.get(device);
    if (!recipient) continue;
    const own = target.phone === sender;
    const recipientJid = own ? (node.attrs.recipient ? net.directory.resolve(node.attrs.recipient) : chat) : undefined;
    net.deliver(recipient, {
      tag: 'message',
      attrs: {
        from: `${sender.phoneNumber}:${companion.deviceId}@s.whatsapp.net`,
        id,
        t,
        type: node.attrs.type ?? 'text',
        notify: sender.pushName,
        sender_lid: sender.lidJid,
        ...(recipientJid ? { recipient: recipientJid.phone.jid } : {}),
      },
      content: [
        { tag: 'enc', attrs: { ...enc.attrs }, content: ciphertext },
        ...(enc.attrs.type === 'pkmsg' && deviceIdentity ? [deviceIdentity] : []),
      ],
    });
  }
}

interface Incoming {
  sender: Phone;
  senderDevice: number;
  /** The companion's `<message>` stanza and the `<enc>` for this phone. */
  stanza: BinaryNode;
  enc: BinaryNode;
  ciphertext: Buffer;
  t: number;
}

/** Device 0 of a phone decrypts what a companion sent it; when it cannot, it asks that device for a retry. */
async function receiveOnPhone(net: Network, phone: Phone, incoming: Incoming): Promise<void> {
  const { sender, senderDevice, stanza, enc, ciphertext, t } = incoming;
  const id = stanza.attrs.id!;
  const address = signalAddress(sender, senderDevice);
  let message: proto.IMessage;
  try {
    const plain = await serializeFor(phone, () => {
      if (takeFault(net.faults.phoneDecryptFailures, phone.phoneNumber)) throw new InjectedDecryptFailure();
      return phone.signal.decrypt(address, enc.attrs.type!, ciphertext);
    });
    message = proto.Message.decode(unpadRandomMax16(plain));
  } catch (err) {
    net.decryptFailures++;
    const failure = { phone: phone.phoneNumber, sender: sender.phoneNumber, senderDevice, id, type: enc.attrs.type ?? '', retryCount: Number(enc.attrs.count ?? 0) };
    const loss = phone.lossUnknownTo(address);
    const newSessionAckedAt = loss && phone.heardFromSince(sender.phoneNumber, senderDevice, loss.at);
    net.stats.phoneDecryptFailed({ ...failure, loss, ...(newSessionAckedAt ? { newSessionAckedAt } : {}) }, err);
    net.stats.remember(net.stats.undecrypted, id);
    net.lastDecryptError = err;
    if (stanza.attrs.category !== 'peer') sendRetryReceipt(net, phone, sender, senderDevice, stanza, enc);
    return;
  }
  phone.decrypted(address);
  phone.retriesSent.delete(retryKey(id, sender, senderDevice));
  net.stats.undecrypted.delete(id);
  // The sender's own phone gets a copy of what its companion sent; it is not an incoming message.
  if (phone === sender) return;
  // A message sent again (after a retry receipt, to every device) is still one message.
  if (!phone.inbox.some((m) => m.id === id && m.from === sender.phoneNumber)) {
    const content = message.deviceSentMessage?.message ?? message;
    phone.record(phone.inbox, summarize(content, { id, from: sender.phoneNumber, fromDevice: senderDevice, timestamp: t }));
    net.events.emit('message', phone, id);
  }
  // The phone is always online: it acknowledges delivery to every device of the sender, after the
  // round trip a real phone takes (instant receipts would be folded into the sender's own upsert by
  // Baileys' event buffer and never surface as `messages.update`). Once the user read it, the read
  // receipt said it all: a delivery receipt after it would set the sender's status back.
  setTimeout(() => {
    const read = sender.receipts.some((r) => r.messageId === id && r.from === phone.phoneNumber && r.type === 'read');
    if (!read) sendReceipt(net, phone, sender, [id], undefined);
  }, net.phoneReceiptDelayMs).unref();
}

export function sendReceipt(net: Network, from: Phone, to: Phone, ids: string[], type: 'read' | undefined): void {
  const t = nowSeconds();
  for (const id of ids) {
    net.deliverToCompanions(to, () => ({ tag: 'receipt', attrs: { from: from.jid, id, t, ...(type ? { type } : {}) } }));
  }
}

/** A companion acknowledges (delivery, read, played) a message it received. */
export function onClientReceipt(net: Network, conn: Connection, node: BinaryNode): void {
  const companion = conn.companion!;
  const { id, to, type } = node.attrs;
  void conn.send({ tag: 'ack', attrs: { class: 'receipt', id: id!, from: to ?? S_WHATSAPP_NET, ...(type ? { type } : {}) } });
  const listed = getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map((i) => i.attrs.id!).filter(Boolean);
  if (id) acknowledgeMessages(net, companion, [id, ...listed]);
  if (type === 'retry') {
    net.stats.count(net.stats.companionRetries, companion.phoneNumber);
    void answerRetryReceipt(net, conn, node);
    return;
  }
  // In a group the receipt goes to the group, naming the author as `participant`.
  const target = net.directory.resolve(to?.endsWith('@g.us') ? node.attrs.participant : to);
  const reader = net.directory.get(companion.phoneNumber)!;
  if (!target || !id || target.phone === reader) return;
  const ids = [id, ...listed];
  const kind = !type || type === 'inactive' ? 'delivery' : type;
  for (const messageId of ids) {
    target.phone.record(target.phone.receipts, { messageId, from: reader.phoneNumber, fromDevice: companion.deviceId, type: kind, timestamp: Date.now() });
  }
  net.events.emit('receipt', target.phone);
  if (kind === 'read' || kind === 'played' || kind === 'delivery') {
    const t = nowSeconds();
    const group = to?.endsWith('@g.us') ? net.groups.get(to) : undefined;
    const from: Record<string, string> = group ? { from: group.jid, participant: memberJid(group, reader) } : { from: reader.jid };
    for (const messageId of ids) {
      net.deliverToCompanions(target.phone, () => ({
        tag: 'receipt',
        attrs: { ...from, id: messageId, t, ...(kind === 'delivery' ? {} : { type: kind }) },
      }));
    }
  }
}

export function onClientPresence(net: Network, conn: Connection, node: BinaryNode): void {
  const companion = conn.companion!;
  const { type, to } = node.attrs;
  if (type === 'subscribe') {
    const target = net.directory.resolve(to);
    if (target) companion.presenceSubscriptions.add(target.phone.phoneNumber);
    return;
  }
  if (type === 'available' || type === 'unavailable') {
    const self = net.directory.get(companion.phoneNumber)!;
    broadcastPresence(net, self, type);
  }
}

export function onClientChatstate(net: Network, conn: Connection, node: BinaryNode): void {
  const companion = conn.companion!;
  const self = net.directory.get(companion.phoneNumber)!;
  const target = net.directory.resolve(node.attrs.to);
  const state = Array.isArray(node.content) ? node.content[0] : undefined;
  // Typing from someone the recipient blocked goes nowhere.
  if (!target || !state || hasBlocked(target.phone, self)) return;
  const kind = state.tag === 'composing' && state.attrs.media === 'audio' ? 'recording' : state.tag;
  target.phone.record(target.phone.presences, { from: self.phoneNumber, fromDevice: companion.deviceId, kind: 'chatstate', state: kind, timestamp: Date.now() });
  net.events.emit('presence', target.phone);
  forwardChatstate(net, self, target.phone, state);
}

function broadcastPresence(net: Network, phone: Phone, type: 'available' | 'unavailable'): void {
  for (const conn of net.online.values()) {
    if (!conn.companion?.presenceSubscriptions.has(phone.phoneNumber)) continue;
    // Blocking hides online status both ways.
    const subscriber = net.directory.get(conn.companion.phoneNumber);
    if (subscriber && (hasBlocked(phone, subscriber) || hasBlocked(subscriber, phone))) continue;
    void conn.send({ tag: 'presence', attrs: { from: phone.jid, type, ...(type === 'unavailable' ? { last: nowSeconds() } : {}) } });
  }
}

function forwardChatstate(net: Network, from: Phone, to: Phone, state: BinaryNode): void {
  if (hasBlocked(to, from)) return;
  for (const companion of to.companions.values()) {
    const conn = net.connectionOf(companion);
    // Typing is ephemeral: WhatsApp does not queue it for offline devices.
    if (conn?.open) void conn.send({ tag: 'chatstate', attrs: { from: from.jid }, content: [{ tag: state.tag, attrs: { ...state.attrs } }] });
  }
}

/** The phone's user shows presence or types in a chat. */
export function phonePresence(net: Network, phone: Phone, state: string, to: Phone | undefined): void {
  if (state === 'available' || state === 'unavailable') return broadcastPresence(net, phone, state);
  if (!to) throw new SandboxError('INVALID_PRESENCE', `presence "${state}" needs a recipient`);
  const node: BinaryNode =
    state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state === 'paused' ? 'paused' : 'composing', attrs: {} };
  forwardChatstate(net, phone, to, node);
}

/** The phone's user sends a message: the recipient's phone and companions get it, and so do the sender's own companions. */
export async function sendFromPhone(net: Network, from: Phone, to: Phone, message: proto.IMessage): Promise<string> {
  const id = newMessageId();
  const t = nowSeconds();
  const type = stanzaType(message);
  from.rememberSent(id, { to: to.phoneNumber, message, t, type, sentAt: Date.now() });
  // The recipient blocked the sender: it reaches only the sender's own devices.
  const delivered = !hasBlocked(to, from);
  await serializeFor(from, async () => {
    for (const companion of delivered ? to.companions.values() : []) {
      const stanza = await encryptFor(net, from, to, companion, encodeWAMessage(message), {
        from: from.jid, id, t, type, notify: from.pushName, sender_lid: from.lidJid,
      });
      net.deliver(companion, stanza);
    }
    const copy = encodeWAMessage({ deviceSentMessage: { destinationJid: to.jid, message } });
    for (const companion of from.companions.values()) {
      net.deliver(companion, await encryptFor(net, from, from, companion, copy, { from: from.jid, recipient: to.jid, id, t, type, notify: from.pushName }));
    }
  });
  if (from !== to && delivered) {
    to.record(to.inbox, summarize(message, { id, from: from.phoneNumber, fromDevice: 0, timestamp: Number(t) }));
    net.events.emit('message', to, id);
    from.record(from.receipts, { messageId: id, from: to.phoneNumber, fromDevice: 0, type: 'delivery', timestamp: Date.now() });
    net.events.emit('receipt', from);
  }
  return id;
}

export async function encryptFor(net: Network, from: Phone, owner: Phone, companion: Companion, plaintext: Uint8Array, attrs: Record<string, string>): Promise<BinaryNode> {
  const { type, ciphertext } = await from.signal.encrypt(signalAddress(owner, companion.deviceId), plaintext, () => takeCompanionBundle(net, companion));
  net.changed();
  return { tag: 'message', attrs, content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }] };
}

/** The phone's user opens the chat: read receipts to every device of each sender. */
export function markRead(net: Network, phone: Phone, messageIds: string[]): number {
  let count = 0;
  for (const id of messageIds) {
    const msg = phone.inbox.find((m) => m.id === id);
    const sender = msg && net.directory.get(msg.from);
    if (!msg || !sender) continue;
    sendReceipt(net, phone, sender, [id], 'read');
    sender.record(sender.receipts, { messageId: id, from: phone.phoneNumber, fromDevice: 0, type: 'read', timestamp: Date.now() });
    net.events.emit('receipt', sender);
    count++;
  }
  return count;
}

export function summarize(m: proto.IMessage, base: Pick<ReceivedMessage, 'id' | 'from' | 'fromDevice' | 'timestamp'>): ReceivedMessage {
  const out: ReceivedMessage = { ...base, type: 'unknown', message: m };
  if (m.conversation != null || m.extendedTextMessage) {
    out.type = 'text';
    out.text = m.conversation ?? m.extendedTextMessage?.text ?? '';
  } else if (m.imageMessage) {
    Object.assign(out, { type: 'image', caption: m.imageMessage.caption ?? undefined, mimeType: m.imageMessage.mimetype ?? undefined });
  } else if (m.videoMessage) {
    Object.assign(out, { type: 'video', caption: m.videoMessage.caption ?? undefined, mimeType: m.videoMessage.mimetype ?? undefined });
  } else if (m.audioMessage) {
    Object.assign(out, { type: m.audioMessage.ptt ? 'voice' : 'audio', mimeType: m.audioMessage.mimetype ?? undefined });
  } else if (m.documentMessage) {
    const d = m.documentMessage;
    Object.assign(out, { type: 'document', caption: d.caption ?? undefined, mimeType: d.mimetype ?? undefined, fileName: d.fileName ?? undefined });
  } else if (m.stickerMessage) {
    Object.assign(out, { type: 'sticker', mimeType: m.stickerMessage.mimetype ?? undefined });
  } else {
    out.type = Object.keys(m).find((k) => k !== 'messageContextInfo') ?? 'unknown';
  }
  return out;
}
