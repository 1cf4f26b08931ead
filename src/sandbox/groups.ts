import { randomInt } from 'node:crypto';
import type { Phone, ProfilePicture } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError } from './errors.ts';
import { iqError, iqResult, type Network, newMessageId, newStanzaId, nowSeconds } from './network.ts';
import { getBinaryNodeChild, type BinaryNode } from './wa.ts';
import { onGroupAdminIq } from './group-admin.ts';

export type GroupRole = 'superadmin' | 'admin' | null;

export interface GroupParticipant {
  phoneNumber: string;
  role: GroupRole;
}

/** A group as the server keeps it. Participants are phones; the jid form they are shown in follows `addressingMode`. */
export interface Group {
  /** `<id>@g.us`: the newer `120363…` form, or `<creator>-<seconds>` for old-style groups. */
  jid: string;
  subject: string;
  subjectTime: number;
  description?: { id: string; text: string; time: number; by: string };
  /** Creator's phone number. */
  owner: string;
  /** Unix seconds. */
  creation: number;
  /** `lid` (what WhatsApp uses for groups now): participants are `<lid>@lid` with `phone_number`; `pn`: `<number>@s.whatsapp.net` with `lid`. */
  addressingMode: 'lid' | 'pn';
  participants: GroupParticipant[];
  /** Only admins may send (`announcement`). */
  announce?: boolean;
  /** Only admins may edit the subject and description (`locked`). */
  locked?: boolean;
  /** The current invite-link code, made on the first request for it (group-admin.ts). */
  inviteCode?: string;
  /** The group's icon (profiles.ts). */
  picture?: ProfilePicture;
}

export interface CreateGroupInput {
  subject: string;
  /** Phone number of the creator; becomes the superadmin. */
  owner: string;
  /** Phone numbers of the other members (the owner may be listed too). */
  participants: string[];
  /** Members that are admins (besides the owner). */
  admins?: string[];
  description?: string;
  addressingMode?: 'lid' | 'pn';
  /** `legacy` makes an old-style `<owner>-<seconds>@g.us` jid. */
  jidStyle?: 'new' | 'legacy';
}

export function createGroup(net: Network, input: CreateGroupInput, phone: (n: string) => Phone): Group {
  const subject = typeof input.subject === 'string' ? input.subject.trim() : '';
  if (!subject || subject.length > 100) throw new SandboxError('INVALID_GROUP', 'subject must be 1 to 100 characters');
  if (!Array.isArray(input.participants)) throw new SandboxError('INVALID_GROUP', 'participants must be an array of phone numbers');
  const owner = phone(input.owner);
  const admins = new Set((input.admins ?? []).map((n) => phone(n).phoneNumber));
  const members = new Map<string, GroupParticipant>([[owner.phoneNumber, { phoneNumber: owner.phoneNumber, role: 'superadmin' }]]);
  for (const number of input.participants) {
    const member = phone(number);
    if (!members.has(member.phoneNumber)) members.set(member.phoneNumber, { phoneNumber: member.phoneNumber, role: admins.has(member.phoneNumber) ? 'admin' : null });
  }
  const creation = Number(nowSeconds());
  let jid: string;
  do {
    jid = input.jidStyle === 'legacy'
      ? `${owner.phoneNumber}-${creation + randomInt(0, 1_000_000)}@g.us`
      : `120363${String(randomInt(100_000, 999_999))}${String(randomInt(100_000, 999_999))}@g.us`;
  } while (net.groups.has(jid));
  const group: Group = {
    jid,
    subject,
    subjectTime: creation,
    owner: owner.phoneNumber,
    creation,
    addressingMode: input.addressingMode ?? 'lid',
    participants: [...members.values()],
    ...(input.description ? { description: { id: newMessageId(), text: input.description, time: creation, by: owner.phoneNumber } } : {}),
  };
  net.groups.set(jid, group);
  notifyCreated(net, group, owner);
  net.changed();
  return group;
}

/** WhatsApp tells every device of every member about a new group (`w:gp2` `<create>`; Baileys emits `groups.upsert`). */
export function notifyCreated(net: Network, group: Group, owner: Phone): void {
  const t = String(group.creation);
  const creator: Record<string, string> = group.addressingMode === 'lid' ? { participant: owner.lidJid, participant_pn: owner.jid } : { participant: owner.jid };
  for (const p of group.participants) {
    const member = net.directory.get(p.phoneNumber);
    if (!member) continue;
    net.deliverToCompanions(member, () => ({
      tag: 'notification',
      attrs: { from: group.jid, type: 'w:gp2', id: newStanzaId(), t, ...creator },
      content: [{ tag: 'create', attrs: { reason: 'create' }, content: [groupNode(net, group)] }],
    }));
    member.record(member.groupEvents, { group: group.jid, action: 'create', by: owner.phoneNumber, subject: group.subject, timestamp: group.creation });
    net.events.emit('groupEvent', member);
  }
}

export function isMember(group: Group, phone: Phone): boolean {
  return group.participants.some((p) => p.phoneNumber === phone.phoneNumber);
}

/** A member's jid as this group shows it (its addressing mode). */
export function memberJid(group: Group, phone: Phone): string {
  return group.addressingMode === 'lid' ? phone.lidJid : phone.jid;
}

/** A member as `<participant>`: its jid in the group's addressing mode, the other form beside it. */
export function participantNode(group: Group, phone: Phone, role?: GroupRole): BinaryNode {
  const attrs: Record<string, string> = group.addressingMode === 'lid' ? { jid: phone.lidJid, phone_number: phone.jid } : { jid: phone.jid, lid: phone.lidJid };
  if (role) attrs.type = role;
  return { tag: 'participant', attrs };
}

/** `<group>` as `w:g2` answers it (Baileys `extractGroupMetadata`). */
export function groupNode(net: Network, group: Group): BinaryNode {
  const owner = net.directory.get(group.owner);
  const lid = group.addressingMode === 'lid';
  const content: BinaryNode[] = [];
  for (const p of group.participants) {
    const phone = net.directory.get(p.phoneNumber);
    if (!phone) continue;
    content.push(participantNode(group, phone, p.role));
  }
  if (group.description) {
    const by = net.directory.get(group.description.by);
    content.push({
      tag: 'description',
      attrs: { id: group.description.id, t: String(group.description.time), ...(by ? { participant: lid ? by.lidJid : by.jid } : {}) },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from(group.description.text, 'utf8') }],
    });
  }
  if (group.announce) content.push({ tag: 'announcement', attrs: {} });
  if (group.locked) content.push({ tag: 'locked', attrs: {} });
  const attrs: Record<string, string> = {
    id: group.jid.slice(0, -'@g.us'.length),
    subject: group.subject,
    s_t: String(group.subjectTime),
    creation: String(group.creation),
    size: String(content.filter((n) => n.tag === 'participant').length),
    addressing_mode: group.addressingMode,
  };
  if (owner) {
    attrs.creator = lid ? owner.lidJid : owner.jid;
    if (lid) attrs.creator_pn = owner.jid;
    attrs.s_o = attrs.creator;
  }
  return { tag: 'group', attrs, content };
}

/**
 * `xmlns=w:g2`: a group's metadata (`<query request="interactive">` to the group) and the list of
 * groups the account is in (`<participating>` to `@g.us`) here; creating, changing, inviting and
 * leaving in group-admin.ts. Anything else gets an empty result.
 */
export function onGroupIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const self = net.directory.get(conn.companion!.phoneNumber)!;
  const to = iq.attrs.to ?? '';
  if (iq.attrs.type === 'get' && getBinaryNodeChild(iq, 'participating')) {
    const groups = [...net.groups.values()].filter((g) => isMember(g, self)).map((g) => groupNode(net, g));
    void conn.send(iqResult(iq, [{ tag: 'groups', attrs: {}, content: groups }]));
    return;
  }
  if (onGroupAdminIq(net, conn, iq, self)) return;
  if (iq.attrs.type === 'get' && getBinaryNodeChild(iq, 'query')) {
    const group = net.groups.get(to);
    if (!group) return void conn.send(iqError(iq, 404, 'item-not-found'));
    if (!isMember(group, self)) return void conn.send(iqError(iq, 403, 'forbidden'));
    void conn.send(iqResult(iq, [groupNode(net, group)]));
    return;
  }
  void conn.send(iqResult(iq));
}
