import { signalAddress, type Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { isMember, memberJid, type Group } from './groups.ts';
import { serializeFor, stanzaType, summarize } from './messaging.ts';
import { InjectedDecryptFailure } from './stats.ts';
import { childBuffer, type Network, newMessageId, nowSeconds, takeFault } from './network.ts';
import { readRetryBundle, takeCompanionBundle } from './prekeys.ts';
import { sendRetryReceipt } from './retry.ts';
import { encodeWAMessage, getBinaryNodeChild, getBinaryNodeChildren, proto, unpadRandomMax16, type BinaryNode } from './wa.ts';

/** `participant` of a group stanza: the sending device in the group's addressing mode, plus the other form. */
function participantAttrs(group: Group, sender: Phone, device: number): Record<string, string> {
  const suffix = device ? `:${device}` : '';
  return group.addressingMode === 'lid'
    ? { participant: `${sender.lid}${suffix}@lid`, participant_pn: sender.jid, addressing_mode: 'lid' }
    : { participant: `${sender.phoneNumber}${suffix}@s.whatsapp.net`, participant_lid: sender.lidJid, addressing_mode: 'pn' };
}

/**
 * A companion sent to a group: `<participants>` holds the sender key (SKDM) for each device that did
 * not have it yet, one `<enc type=pkmsg|msg>` per device, and the message itself is one `<enc type=skmsg>`.
 * Phones (device 0) take in the SKDM with their Signal identity and decrypt the skmsg with it; every
 * other device of every member gets the skmsg, with its own SKDM envelope when the sender included one.
 */
export async function onClientGroupMessage(net: Network, conn: Connection, node: BinaryNode, group: Group): Promise<void> {
  const companion = conn.companion!;
  const sender = net.directory.get(companion.phoneNumber)!;
  if (!isMember(group, sender)) return;
  const id = node.attrs.id!;
  const t = Number(nowSeconds());
  const senderAddress = signalAddress(sender, companion.deviceId);
  const skmsg = getBinaryNodeChildren(node, 'enc').find((e) => e.attrs.type === 'skmsg');
  const skCiphertext = childBuffer(skmsg);
  const deviceIdentity = getBinaryNodeChild(node, 'device-identity');

  // Envelopes for companions (`<phone>:<device>`), and SKDMs for phones, in the order they came.
  const envelopes = new Map<string, BinaryNode>();
  for (const to of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
    const enc = getBinaryNodeChild(to, 'enc');
    const target = net.directory.resolve(to.attrs.jid);
    const ciphertext = childBuffer(enc);
    if (!enc || !target || !ciphertext || !isMember(group, target.phone)) continue;
    const device = target.device ?? 0;
    if (device !== 0) {
      envelopes.set(`${target.phone.phoneNumber}:${device}`, { tag: 'enc', attrs: { ...enc.attrs }, content: ciphertext });
      continue;
    }
    await takeSenderKey(net, target.phone, sender, companion.deviceId, enc.attrs.type!, ciphertext, group);
  }

  const attrs = { from: group.jid, id, t: String(t), type: node.attrs.type ?? 'text', notify: sender.pushName, ...participantAttrs(group, sender, companion.deviceId) };
  for (const p of group.participants) {
    const member = net.directory.get(p.phoneNumber);
    if (!member) continue;
    for (const other of member.companions.values()) {
      if (member === sender && other.deviceId === companion.deviceId) continue;
      const envelope = envelopes.get(`${member.phoneNumber}:${other.deviceId}`);
      if (!envelope && !skCiphertext) continue;
      const content: BinaryNode[] = [];
      // The SKDM first: Baileys decrypts the encs in order and needs the sender key before the skmsg.
      if (envelope) content.push(envelope);
      if (skCiphertext) content.push({ tag: 'enc', attrs: { ...skmsg!.attrs }, content: skCiphertext });
      if (envelope?.attrs.type === 'pkmsg' && deviceIdentity) content.push(deviceIdentity);
      net.deliver(other, { tag: 'message', attrs, content });
    }
    if (member === sender || !skCiphertext) continue;
    await receiveGroupMessageOnPhone(net, member, sender, companion.deviceId, senderAddress, group, { stanza: node, enc: skmsg!, id, t, ciphertext: skCiphertext });
  }
}

/** Device 0 of a member decrypts the pairwise envelope and stores the sender key it carries. */
async function takeSenderKey(net: Network, phone: Phone, sender: Phone, senderDevice: number, type: string, ciphertext: Buffer, group: Group): Promise<void> {
  try {
    await serializeFor(phone, async () => {
      const plain = await phone.signal.decrypt(signalAddress(sender, senderDevice), type, ciphertext);
      const message = proto.Message.decode(unpadRandomMax16(plain));
      const skdm = (message.deviceSentMessage?.message ?? message).senderKeyDistributionMessage;
      // The sender's own phone gets its companion's key too; it never decrypts its own group messages.
      if (phone !== sender && skdm?.axolotlSenderKeyDistributionMessage && (!skdm.groupId || skdm.groupId === group.jid)) {
        await phone.senderKeys.process(group.jid, signalAddress(sender, senderDevice), skdm.axolotlSenderKeyDistributionMessage);
      }
    });
    net.changed();
  } catch (err) {
    net.decryptFailures++;
    net.lastDecryptError = err;
  }
}

/** A member's phone decrypts the skmsg; when it cannot, it asks the sending device for a retry (which brings the sender key again). */
async function receiveGroupMessageOnPhone(
  net: Network, phone: Phone, sender: Phone, senderDevice: number, senderAddress: string, group: Group,
  incoming: { stanza: BinaryNode; enc: BinaryNode; id: string; t: number; ciphertext: Buffer },
): Promise<void> {
  const { id, t } = incoming;
  let message: proto.IMessage;
  try {
    const plain = await serializeFor(phone, () => {
      if (takeFault(net.faults.phoneDecryptFailures, phone.phoneNumber)) throw new InjectedDecryptFailure();
      return phone.senderKeys.decrypt(group.jid, senderAddress, incoming.ciphertext);
    });
    message = proto.Message.decode(unpadRandomMax16(plain));
  } catch (err) {
    net.decryptFailures++;
    net.lastDecryptError = err;
    const failure = { phone: phone.phoneNumber, sender: sender.phoneNumber, senderDevice, id, type: incoming.enc.attrs.type ?? 'skmsg', retryCount: Number(incoming.enc.attrs.count ?? 0) };
    net.stats.phoneDecryptFailed({ ...failure, loss: undefined }, err);
    sendRetryReceipt(net, phone, sender, senderDevice, incoming.stanza, incoming.enc, group);
    return;
  }
  net.changed();
  // Sent again after a retry (to every member): still one message.
  if (phone.inbox.some((m) => m.id === id && m.from === sender.phoneNumber)) return;
  const received = summarize(message, { id, from: sender.phoneNumber, fromDevice: senderDevice, timestamp: t });
  phone.record(phone.inbox, { ...received, group: group.jid, participant: memberJid(group, sender) });
  net.events.emit('message', phone, id);
  setTimeout(() => {
    net.deliverToCompanions(sender, () => ({
      tag: 'receipt',
      attrs: { from: group.jid, participant: memberJid(group, phone), id, t: nowSeconds() },
    }));
  }, net.phoneReceiptDelayMs).unref();
}

/**
 * The phone's user writes in a group: one skmsg under the phone's own sender key; each companion of
 * every member (the sender's own included) that has not seen that key yet gets it as a pairwise SKDM
 * in the same stanza. Other members' phones record the message directly.
 */
export async function sendGroupFromPhone(net: Network, from: Phone, group: Group, message: proto.IMessage): Promise<string> {
  const id = newMessageId();
  const t = nowSeconds();
  const attrs = { from: group.jid, id, t, type: stanzaType(message), notify: from.pushName, ...participantAttrs(group, from, 0) };
  from.rememberSent(id, { to: group.jid, message, t, type: attrs.type });
  await serializeFor(from, async () => {
    const { ciphertext, skdm } = await from.senderKeys.encrypt(group.jid, signalAddress(from, 0), encodeWAMessage(message));
    const distribution = encodeWAMessage({ senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: skdm } });
    const holders = from.senderKeyHolders.get(group.jid) ?? new Set<string>();
    from.senderKeyHolders.set(group.jid, holders);
    for (const p of group.participants) {
      const member = net.directory.get(p.phoneNumber);
      if (!member) continue;
      for (const companion of member.companions.values()) {
        const content: BinaryNode[] = [];
        const holder = `${member.phoneNumber}:${companion.deviceId}`;
        if (!holders.has(holder)) {
          const enc = await from.signal.encrypt(signalAddress(member, companion.deviceId), distribution, () => takeCompanionBundle(net, companion));
          content.push({ tag: 'enc', attrs: { v: '2', type: enc.type }, content: enc.ciphertext });
          holders.add(holder);
        }
        content.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: Buffer.from(ciphertext) });
        net.deliver(companion, { tag: 'message', attrs, content });
      }
    }
    net.changed();
  });
  for (const p of group.participants) {
    const member = net.directory.get(p.phoneNumber);
    if (!member || member === from) continue;
    const received = summarize(message, { id, from: from.phoneNumber, fromDevice: 0, timestamp: Number(t) });
    member.record(member.inbox, { ...received, group: group.jid, participant: memberJid(group, from) });
    net.events.emit('message', member, id);
  }
  return id;
}

/**
 * A companion could not decrypt a phone's group message (typically: it never got, or lost, the
 * phone's sender key). The phone sends it again to that device alone, as whatsmeow does: the message
 * under its sender key with the key itself (SKDM) in a pairwise envelope, on a new session from the
 * receipt's bundle when it carries one.
 */
export async function answerGroupRetry(net: Network, conn: Connection, receipt: BinaryNode, group: Group): Promise<void> {
  const companion = conn.companion!;
  const requester = net.directory.get(companion.phoneNumber)!;
  const phone = net.directory.resolve(receipt.attrs.participant)?.phone;
  const id = receipt.attrs.id;
  const sent = id ? phone?.sent.get(id) : undefined;
  if (!phone || !sent || sent.to !== group.jid || !isMember(group, requester)) return;
  const bundle = readRetryBundle(receipt);
  const count = getBinaryNodeChild(receipt, 'retry')?.attrs.count ?? '1';
  await serializeFor(phone, async () => {
    const address = signalAddress(requester, companion.deviceId);
    if (bundle) await phone.signal.startSession(address, bundle);
    const { ciphertext, skdm } = await phone.senderKeys.encrypt(group.jid, signalAddress(phone, 0), encodeWAMessage(sent.message));
    const distribution = encodeWAMessage({ senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: skdm } });
    const enc = await phone.signal.encrypt(address, distribution, () => takeCompanionBundle(net, companion));
    phone.senderKeyHolders.get(group.jid)?.add(`${requester.phoneNumber}:${companion.deviceId}`);
    net.changed();
    net.deliver(companion, {
      tag: 'message',
      attrs: { from: group.jid, id: id!, t: sent.t, type: sent.type, notify: phone.pushName, ...participantAttrs(group, phone, 0) },
      content: [
        { tag: 'enc', attrs: { v: '2', type: enc.type, count }, content: enc.ciphertext },
        { tag: 'enc', attrs: { v: '2', type: 'skmsg', count }, content: Buffer.from(ciphertext) },
      ],
    });
  });
}
