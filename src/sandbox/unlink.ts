import type { Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { notFound } from './errors.ts';
import { iqResult, type Network } from './network.ts';
import type { BinaryNode } from './wa.ts';

/** Removes a linked device. A connected companion is told at once (stream error 401 device_removed, as WhatsApp does). */
export function unlinkCompanion(net: Network, phone: Phone, deviceId: number): void {
  const companion = phone.companions.get(deviceId);
  if (!companion) throw notFound(`device ${deviceId} of ${phone.phoneNumber}`);
  phone.companions.delete(deviceId);
  const conn = net.connectionOf(companion);
  if (conn) void conn.streamError(401, { tag: 'conflict', attrs: { type: 'device_removed' } });
  net.changed();
  net.events.emit('unlinked', phone, deviceId);
}

/** `remove-companion-device` from Baileys' logout(): the client closes by itself, without waiting for us. */
export function onRemoveCompanionDevice(net: Network, conn: Connection, iq: BinaryNode, request: BinaryNode): void {
  void conn.send(iqResult(iq));
  const target = net.directory.resolve(request.attrs.jid);
  const self = conn.companion;
  if (!target || !self || target.phone.phoneNumber !== self.phoneNumber) return;
  const deviceId = target.device ?? self.deviceId;
  if (deviceId === 0 || !target.phone.companions.has(deviceId)) return;
  unlinkCompanion(net, target.phone, deviceId);
}
