import { randomBytes } from 'node:crypto';
import type { Companion, Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { sendPeerMessage } from './history.ts';
import { childBuffer, iqResult, type Network } from './network.ts';
import { decodeSyncdMutations, getBinaryNodeChild, getBinaryNodeChildren, newLTHashState, proto, type BinaryNode } from './wa.ts';

/** The phone's app-state sync key, made on first use: companions encrypt the patches they upload with it. */
function appStateKeyOf(net: Network, phone: Phone): NonNullable<Phone['appStateKey']> {
  if (!phone.appStateKey) {
    phone.appStateKey = { keyId: randomBytes(6), keyData: randomBytes(32), timestamp: Date.now() };
    net.changed();
  }
  return phone.appStateKey;
}

/**
 * After linking, the phone shares its app-state sync key with the companion (an
 * APP_STATE_SYNC_KEY_SHARE peer message), as WhatsApp phones do; without it Baileys refuses every
 * app-state change (`chatModify`: "App state key not present").
 */
export async function shareAppStateKey(net: Network, phone: Phone, companion: Companion): Promise<void> {
  const key = appStateKeyOf(net, phone);
  const message: proto.IMessage = {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [{ keyId: { keyId: key.keyId }, keyData: { keyData: key.keyData, fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0] }, timestamp: key.timestamp } }],
      },
    },
  };
  await sendPeerMessage(net, phone, companion, message, () => {
    companion.appStateKeyShared = true;
  });
}

/**
 * `w:sync:app:state`: the sandbox keeps no app state (chat settings, contacts' names, labels), so
 * every requested collection is answered as empty and up to date at the version the client has.
 * Baileys loops until each collection it asked for is answered without `has_more_patches`. A patch a
 * companion uploads is read for what the server acts on: the push name (`pushNameSetting`), which
 * the account's contacts then see on its messages.
 */
export async function onAppStateIq(net: Network, conn: Connection, iq: BinaryNode): Promise<void> {
  const requested = getBinaryNodeChildren(getBinaryNodeChild(iq, 'sync'), 'collection');
  const phone = conn.companion ? net.directory.get(conn.companion.phoneNumber) : undefined;
  for (const collection of requested) {
    const patch = childBuffer(getBinaryNodeChild(collection, 'patch'));
    if (patch && phone) await applyPatch(net, phone, patch);
  }
  const collections = requested.map((c) => ({ tag: 'collection', attrs: { name: c.attrs.name!, version: c.attrs.version ?? '0' } }));
  void conn.send(iqResult(iq, [{ tag: 'sync', attrs: {}, content: collections }]));
}

async function applyPatch(net: Network, phone: Phone, bytes: Buffer): Promise<void> {
  const key = phone.appStateKey;
  if (!key) return;
  const keyId = key.keyId.toString('base64');
  const getKey = async (id: string) => (id === keyId ? proto.Message.AppStateSyncKeyData.fromObject({ keyData: key.keyData }) : undefined);
  try {
    await decodeSyncdMutations(proto.SyncdPatch.decode(bytes).mutations, newLTHashState(), getKey, ({ syncAction }) => {
      const name = syncAction.value?.pushNameSetting?.name?.trim();
      if (name && name !== phone.pushName) {
        phone.pushName = name.slice(0, 25);
        net.changed();
      }
    }, true);
  } catch {
    // A patch the sandbox cannot read (another key, a bad MAC) changes nothing, as on WhatsApp.
  }
}
