import type { Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { parsePhoneNumber } from './accounts.ts';
import { iqResult, type Network } from './network.ts';
import { statusNode } from './profiles.ts';
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from './wa.ts';

/**
 * `xmlns=usync`: the directory. "On WhatsApp" is true only for numbers that exist as sandbox phones;
 * devices are device 0 (the phone) plus its linked companions; lid answers come from the one PN<->LID table.
 */
export function onUsyncIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const usync = getBinaryNodeChild(iq, 'usync');
  const protocols = (getBinaryNodeChild(usync, 'query')?.content as BinaryNode[] | undefined)?.map((p) => p.tag) ?? [];
  const viewer = conn.companion ? net.directory.get(conn.companion.phoneNumber) : undefined;
  const list: BinaryNode[] = [];
  for (const user of getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user')) {
    const contactNode = getBinaryNodeChild(user, 'contact');
    const rawContact = contactNode?.content;
    const contact = typeof rawContact === 'string' ? rawContact : rawContact instanceof Uint8Array ? Buffer.from(rawContact).toString() : undefined;
    let phone: Phone | undefined;
    let jid = user.attrs.jid;
    if (jid) {
      phone = net.directory.resolve(jid)?.phone;
    } else if (contact) {
      const number = parsePhoneNumber(contact);
      phone = number ? net.directory.get(number) : undefined;
      jid = `${number ?? contact.replace(/\D/g, '')}@s.whatsapp.net`;
    }
    if (!jid) continue;
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      if (protocol === 'contact') {
        content.push({ tag: 'contact', attrs: { type: phone ? 'in' : 'out' } });
      } else if (protocol === 'devices' && phone) {
        content.push(devicesNode(phone));
      } else if (protocol === 'lid' && phone && !jid.endsWith('@lid')) {
        // A LID query has no PN<->LID pair to report (Baileys would store a LID->LID "mapping").
        content.push({ tag: 'lid', attrs: { val: phone.lidJid } });
      } else if (protocol === 'status' && phone) {
        content.push(statusNode(phone, viewer));
      }
    }
    list.push({ tag: 'user', attrs: { jid }, content });
  }
  void conn.send(iqResult(iq, [{
    tag: 'usync',
    attrs: { ...(usync?.attrs ?? {}) },
    content: [{ tag: 'result', attrs: {} }, { tag: 'list', attrs: {}, content: list }],
  }]));
}

function devicesNode(phone: Phone): BinaryNode {
  const devices: BinaryNode[] = [{ tag: 'device', attrs: { id: '0' } }];
  for (const companion of phone.companions.values()) {
    devices.push({ tag: 'device', attrs: { id: String(companion.deviceId), 'key-index': String(companion.keyIndex) } });
  }
  return {
    tag: 'devices',
    attrs: {},
    content: [
      { tag: 'device-list', attrs: {}, content: devices },
      { tag: 'key-index-list', attrs: { ts: String(Math.floor(Date.now() / 1000)) } },
    ],
  };
}
