import type { Companion, Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { childBuffer, iqResult, type Network } from './network.ts';
import type { PreKeyBundle } from './signal-party.ts';
import { encodeBigEndian, getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from './wa.ts';

/** `xmlns=encrypt` iqs: pre-key count, upload, digest, signed pre-key rotation, bundle fetch. */
export function onEncryptIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const companion = conn.companion;
  const first = Array.isArray(iq.content) ? iq.content[0] : undefined;
  if (!companion || !first) {
    void conn.send(iqResult(iq));
    return;
  }
  switch (first.tag) {
    case 'count':
      void conn.send(iqResult(iq, [{ tag: 'count', attrs: { value: String(companion.preKeys.size) } }]));
      return;
    case 'digest':
      // Baileys only checks that a digest comes back; without one it re-uploads every login.
      void conn.send(iqResult(iq, [{ tag: 'digest', attrs: {} }]));
      return;
    case 'key':
      void conn.send(iqResult(iq, [{ tag: 'list', attrs: {}, content: fetchBundles(net, first) }]));
      return;
    case 'rotate': {
      const skey = getBinaryNodeChild(first, 'skey');
      if (skey) companion.signedPreKey = readSignedPreKey(skey);
      net.changed();
      void conn.send(iqResult(iq));
      return;
    }
    default:
      if (getBinaryNodeChild(iq, 'list') || getBinaryNodeChild(iq, 'skey')) storeUpload(net, companion, iq);
      void conn.send(iqResult(iq));
  }
}

function storeUpload(net: Network, companion: Companion, iq: BinaryNode): void {
  for (const key of getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key')) {
    const id = childBuffer(getBinaryNodeChild(key, 'id'));
    const value = childBuffer(getBinaryNodeChild(key, 'value'));
    if (id && value) companion.preKeys.set(id.readUIntBE(0, id.length), value);
  }
  const skey = getBinaryNodeChild(iq, 'skey');
  if (skey) companion.signedPreKey = readSignedPreKey(skey);
  net.changed();
}

function readSignedPreKey(skey: BinaryNode): Companion['signedPreKey'] {
  const id = childBuffer(getBinaryNodeChild(skey, 'id'))!;
  return {
    keyId: id.readUIntBE(0, id.length),
    publicKey: childBuffer(getBinaryNodeChild(skey, 'value'))!,
    signature: childBuffer(getBinaryNodeChild(skey, 'signature'))!,
  };
}

/** A bundle per requested device; one-time pre-keys are consumed, as on WhatsApp. Unknown devices are left out. */
function fetchBundles(net: Network, keyNode: BinaryNode): BinaryNode[] {
  const users: BinaryNode[] = [];
  for (const user of getBinaryNodeChildren(keyNode, 'user')) {
    const jid = user.attrs.jid;
    const target = net.directory.resolve(jid);
    if (!target || !jid) continue;
    const bundle = bundleFor(net, target.phone, target.device ?? 0);
    if (bundle) users.push(bundleNode(jid, bundle));
  }
  return users;
}

export function bundleFor(net: Network, phone: Phone, device: number): PreKeyBundle | undefined {
  if (device === 0) return phone.signal.takeBundle();
  const companion = phone.companions.get(device);
  return companion ? takeCompanionBundle(net, companion) : undefined;
}

export function takeCompanionBundle(net: Network, companion: Companion): PreKeyBundle {
  const next = companion.preKeys.entries().next();
  let preKey: PreKeyBundle['preKey'];
  if (!next.done) {
    const [keyId, publicKey] = next.value;
    companion.preKeys.delete(keyId);
    preKey = { keyId, publicKey };
    net.changed();
  }
  return { registrationId: companion.registrationId, identityKey: companion.identityKey, signedPreKey: companion.signedPreKey, preKey };
}

function bundleNode(jid: string, b: PreKeyBundle): BinaryNode {
  return { tag: 'user', attrs: { jid }, content: [{ tag: 'registration', attrs: {}, content: encodeBigEndian(b.registrationId, 4) }, ...bundleKeyNodes(b)] };
}

/** A bundle's keys as WhatsApp writes them, in a key fetch answer and in a retry receipt's `<keys>`. */
export function bundleKeyNodes(b: PreKeyBundle): BinaryNode[] {
  const content: BinaryNode[] = [
    { tag: 'type', attrs: {}, content: Buffer.from([5]) },
    { tag: 'identity', attrs: {}, content: Buffer.from(b.identityKey) },
  ];
  if (b.preKey) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(b.preKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: Buffer.from(b.preKey.publicKey) },
      ],
    });
  }
  content.push({
    tag: 'skey',
    attrs: {},
    content: [
      { tag: 'id', attrs: {}, content: encodeBigEndian(b.signedPreKey.keyId, 3) },
      { tag: 'value', attrs: {}, content: Buffer.from(b.signedPreKey.publicKey) },
      { tag: 'signature', attrs: {}, content: Buffer.from(b.signedPreKey.signature) },
    ],
  });
  return content;
}

/** The bundle a companion put in its retry receipt (`<registration>` + `<keys>`), or undefined when it sent none. */
export function readRetryBundle(receipt: BinaryNode): PreKeyBundle | undefined {
  const keys = getBinaryNodeChild(receipt, 'keys');
  const registration = childBuffer(getBinaryNodeChild(receipt, 'registration'));
  const identity = childBuffer(getBinaryNodeChild(keys, 'identity'));
  const skey = getBinaryNodeChild(keys, 'skey');
  if (!keys || !registration || !identity || !skey) return undefined;
  const key = getBinaryNodeChild(keys, 'key');
  const keyId = childBuffer(getBinaryNodeChild(key, 'id'));
  const keyValue = childBuffer(getBinaryNodeChild(key, 'value'));
  return {
    registrationId: registration.readUIntBE(0, registration.length),
    identityKey: identity,
    signedPreKey: readSignedPreKey(skey),
    preKey: keyId && keyValue ? { keyId: keyId.readUIntBE(0, keyId.length), publicKey: keyValue } : undefined,
  };
}
