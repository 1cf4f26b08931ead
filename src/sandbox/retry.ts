import { signalAddress, type Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError } from './errors.ts';
import { answerGroupRetry } from './group-messaging.ts';
import { memberJid, type Group } from './groups.ts';
import { encryptFor, serializeFor } from './messaging.ts';
import { type Network, nowSeconds } from './network.ts';
import { bundleKeyNodes, readRetryBundle } from './prekeys.ts';
import { encodeBigEndian, encodeWAMessage, getBinaryNodeChild, type BinaryNode } from './wa.ts';

/** WhatsApp clients stop asking after this many retry receipts for one message (whatsmeow `sendRetryReceipt`). */
const MAX_RETRIES = 5;

export const retryKey = (id: string, sender: Phone, device: number) => `${id}:${sender.phoneNumber}:${device}`;

/**
 * A phone could not decrypt what a companion sent it: it asks that device to send it again, as
 * WhatsApp clients do (whatsmeow `sendRetryReceipt`, Baileys `sendRetryRequest`): the count, the
 * original id and time, its registration id and, from the second try on or when it has no session
 * with the device at all, a fresh pre-key bundle so the sender can start a new session without a
 * key fetch. (A primary phone has no `device-identity` of its own to add: it is the one that signs.)
 */
export function sendRetryReceipt(net: Network, phone: Phone, sender: Phone, senderDevice: number, stanza: BinaryNode, enc: BinaryNode, group?: Group): void {
  const companion = sender.companions.get(senderDevice);
  const id = stanza.attrs.id;
  if (!companion || !id) return;
  const key = retryKey(id, sender, senderDevice);
  let count = (phone.retriesSent.get(key) ?? 0) + 1;
  // A message that is itself a retry answer carries its count: go on from there.
  const countInMessage = Number(enc.attrs.count ?? 0);
  if (count === 1 && countInMessage > 0) count = countInMessage + 1;
  if (count >= MAX_RETRIES) {
    phone.retriesSent.delete(key);
    return;
  }
  phone.retriesSent.set(key, count);
  if (phone.retriesSent.size > 1_000) phone.retriesSent.delete(phone.retriesSent.keys().next().value!);
  const withKeys = count > 1 || !phone.signal.hasSession(signalAddress(sender, senderDevice));
  const own = phone === sender;
  net.deliver(companion, {
    tag: 'receipt',
    attrs: group
      ? // In a group the receipt comes from the group and names the member that asks.
        { from: group.jid, participant: memberJid(group, phone), id, t: nowSeconds(), type: 'retry' }
      : {
          from: stanza.attrs.to?.endsWith('@lid') && !own ? phone.lidJid : phone.jid,
          id,
          t: nowSeconds(),
          type: 'retry',
          // On its own phone the chat is the message's destination (Baileys reads it as the retry's remoteJid).
          ...(own ? { recipient: stanza.attrs.recipient ?? stanza.attrs.to! } : {}),
        },
    content: [
      { tag: 'retry', attrs: { count: String(count), id, t: stanza.attrs.t ?? nowSeconds(), v: '1' } },
      { tag: 'registration', attrs: {}, content: encodeBigEndian(phone.signal.registrationId, 4) },
      ...(withKeys ? [{ tag: 'keys', attrs: {}, content: bundleKeyNodes(phone.signal.takeBundle()) }] : []),
    ],
  });
  net.changed();
}

/**
 * A companion could not decrypt a message: to a phone, the phone sends it again from its own store
 * (whatsmeow `handleRetryReceipt`), on a new session built from the receipt's bundle if it has one;
 * to another companion, the server passes the receipt on.
 */
export async function answerRetryReceipt(net: Network, conn: Connection, receipt: BinaryNode): Promise<void> {
  const companion = conn.companion!;
  const requester = net.directory.get(companion.phoneNumber)!;
  const target = net.directory.resolve(receipt.attrs.to);
  const id = receipt.attrs.id;
  const retry = getBinaryNodeChild(receipt, 'retry');
  const group = receipt.attrs.to?.endsWith('@g.us') ? net.groups.get(receipt.attrs.to) : undefined;
  if (group) return answerGroupRetry(net, conn, receipt, group);
  if (!target || !id || !retry) return;
  if ((target.device ?? 0) !== 0) {
    const device = target.phone.companions.get(target.device!);
    const from = target.server === 'lid' ? `${requester.lid}:${companion.deviceId}@lid` : `${requester.phoneNumber}:${companion.deviceId}@s.whatsapp.net`;
    const { to: _to, ...attrs } = receipt.attrs;
    if (device) net.deliver(device, { tag: 'receipt', attrs: { ...attrs, from, t: nowSeconds() }, content: receipt.content });
    return;
  }
  const phone = target.phone;
  const sent = phone.sent.get(id);
  const own = requester === phone;
  // Only a device of the chat (or of the phone itself) may ask for a message again.
  if (!sent || (!own && requester.phoneNumber !== sent.to)) return;
  const chat = net.directory.get(sent.to)!;
  const bundle = readRetryBundle(receipt);
  await serializeFor(phone, async () => {
    if (bundle) await phone.signal.startSession(signalAddress(requester, companion.deviceId), bundle);
    const plaintext = own ? encodeWAMessage({ deviceSentMessage: { destinationJid: chat.jid, message: sent.message } }) : encodeWAMessage(sent.message);
    const attrs = { from: phone.jid, id, t: sent.t, type: sent.type, notify: phone.pushName, ...(own ? { recipient: chat.jid } : { sender_lid: phone.lidJid }) };
    const stanza = await encryptFor(net, phone, requester, companion, plaintext, attrs);
    const enc = getBinaryNodeChild(stanza, 'enc')!;
    enc.attrs.count = retry.attrs.count ?? '1';
    net.deliver(companion, stanza);
  });
}

/** Whom a retry receipt asks, when it is not the device that sent the phone the message (see `askAgain`). */
export interface RetryAsk {
  /** Any linked device, asked for any id, whether the phone ever got that message or not (as a modified client can). */
  device?: { phoneNumber: string; deviceId: number };
  /** The phone's address on the receipt: its phone number (default) or its LID. */
  addressing?: 'pn' | 'lid';
}

/**
 * The phone lost a message a companion sent it (its plaintext is gone, as after a failed decrypt
 * or a crash before it was stored) and asks the sending device for it again, as a phone does after
 * a failed decrypt. The receipt waits at the server while that device is offline. With `ask.device`
 * it asks that device for an id it need not have had.
 */
export function askAgain(net: Network, phone: Phone, messageId: string, ask: RetryAsk = {}): void {
  let from: { sender: Phone; deviceId: number; t: number };
  if (ask.device) {
    const sender = net.directory.get(ask.device.phoneNumber);
    if (!sender?.companions.has(ask.device.deviceId)) throw new SandboxError('NOT_FOUND', `no linked device ${ask.device.phoneNumber}:${ask.device.deviceId}`, 404);
    from = { sender, deviceId: ask.device.deviceId, t: Math.floor(Date.now() / 1000) };
  } else {
    const index = phone.inbox.findIndex((m) => m.id === messageId && !m.group && m.fromDevice !== 0);
    const lost = phone.inbox[index];
    const sender = lost && net.directory.get(lost.from);
    if (!lost || !sender?.companions.has(lost.fromDevice)) throw new SandboxError('NOT_FOUND', `${phone.phoneNumber} got no message ${messageId} from a companion`, 404);
    phone.inbox.splice(index, 1);
    from = { sender, deviceId: lost.fromDevice, t: lost.timestamp };
  }
  const stanza: BinaryNode = { tag: 'message', attrs: { id: messageId, to: ask.addressing === 'lid' ? phone.lidJid : phone.jid, t: String(from.t) } };
  sendRetryReceipt(net, phone, from.sender, from.deviceId, stanza, { tag: 'enc', attrs: {} });
}
