
import type { Connection } from './connection.ts';
import { redeliverBacklog, forgetConnection } from './delivery.ts';
import { type Network, nowSeconds } from './network.ts';
import { sendInitialHistory } from './history.ts';
import { shareAppStateKey } from './app-state.ts';
import { forgetRegistration, startRegistration } from './pairing.ts';
import type { proto } from './wa.ts';

/**
 * After the noise handshake: a registration payload starts pairing; a login payload is checked
 * against the companion's registered noise key (that is how WhatsApp authenticates a device).
 */
export async function onClientPayload(net: Network, conn: Connection, payload: proto.ClientPayload, clientStaticKey: Buffer): Promise<void> {
  if (payload.username === null || payload.username === undefined) {
    conn.registration = { payload, noiseKey: clientStaticKey };
    startRegistration(net, conn);
    return;
  }
  if (Date.now() < net.faults.refuseLoginsUntil) {
    await refuse(conn, net.faults.refuseCode);
    return;
  }
  const phoneNumber = String(payload.username);
  const companion = net.directory.findCompanion(phoneNumber, payload.device ?? 0);
  if (companion?.noiseKey.compare(clientStaticKey) !== 0) {
    await refuse(conn, 401);
    return;
  }
  const key = `${companion.phoneNumber}:${companion.deviceId}`;
  const previous = net.online.get(key);
  if (previous && previous !== conn) {
    // Same device logged in twice: the older stream is replaced (Baileys reports 440).
    void previous.streamError(undefined, { tag: 'conflict', attrs: { type: 'replaced' } });
  }
  conn.companion = companion;
  net.online.set(key, conn);
  companion.lastLoginAt = Date.now();
  const phone = net.directory.get(phoneNumber)!;
  await conn.send({
    tag: 'success',
    attrs: {
      t: nowSeconds(),
      lid: `${phone.lid}:${companion.deviceId}@lid`,
      props: '1',
      abprops: '1',
      location: 'sandbox',
      creation: String(Math.floor(companion.linkedAt / 1000)),
    },
  });
  redeliverBacklog(net, conn, companion);
  if (!companion.historySynced) await sendInitialHistory(net, phone, companion);
  if (!companion.appStateKeyShared) await shareAppStateKey(net, phone, companion);
  net.events.emit('login', phone, companion);
}

async function refuse(conn: Connection, code: number): Promise<void> {
  await conn.send({ tag: 'failure', attrs: { reason: String(code), location: 'sandbox' } });
  conn.end();
}

export function onConnectionClosed(net: Network, conn: Connection): void {
  net.connections.delete(conn);
  forgetConnection(conn);
  forgetRegistration(net, conn);
  const companion = conn.companion;
  if (companion) {
    const key = `${companion.phoneNumber}:${companion.deviceId}`;
    if (net.online.get(key) === conn) net.online.delete(key);
    companion.presenceSubscriptions.clear();
  }
}
