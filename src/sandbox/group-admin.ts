import { randomBytes } from 'node:crypto';
import type { GroupEventRecord, Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError } from './errors.ts';
import { createGroup, groupNode, isMember, memberJid, participantNode, type Group } from './groups.ts';
import { iqError, iqResult, type Network, newMessageId, newStanzaId, nowSeconds } from './network.ts';
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from './wa.ts';

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';
export type GroupSetting = 'announcement' | 'not_announcement' | 'locked' | 'unlocked';
const SETTINGS: readonly string[] = ['announcement', 'not_announcement', 'locked', 'unlocked'];
const ACTIONS: readonly string[] = ['add', 'remove', 'promote', 'demote'];

/** Why WhatsApp refuses a group iq: the `<error code text>` Baileys turns into a Boom (`data` = code). */
const refuse = (status: number, text: string) => new SandboxError(`GROUP_${text.toUpperCase().replace(/-/g, '_')}`, text, status);
const notFound = () => refuse(404, 'item-not-found');

function requireMember(group: Group, actor: Phone): void {
  if (!isMember(group, actor)) throw refuse(403, 'forbidden');
}

function requireAdmin(group: Group, actor: Phone): void {
  requireMember(group, actor);
  if (!group.participants.find((p) => p.phoneNumber === actor.phoneNumber)?.role) throw refuse(401, 'not-authorized');
}

/**
 * A `w:gp2` notification about `child` to every device of every member (and of `alsoTo`, e.g. who
 * was removed), as WhatsApp sends it: `participant` is the actor in the group's addressing mode.
 * Each member phone records what it saw.
 */
function notify(net: Network, group: Group, actor: Phone, child: BinaryNode, seen: Omit<GroupEventRecord, 'group' | 'by' | 'timestamp'>, alsoTo: Phone[] = []): void {
  const t = nowSeconds();
  const by: Record<string, string> = group.addressingMode === 'lid' ? { participant: actor.lidJid, participant_pn: actor.jid } : { participant: actor.jid, participant_lid: actor.lidJid };
  const recipients = new Set<Phone>(alsoTo);
  for (const p of group.participants) {
    const member = net.directory.get(p.phoneNumber);
    if (member) recipients.add(member);
  }
  for (const member of recipients) {
    net.deliverToCompanions(member, () => ({
      tag: 'notification',
      attrs: { from: group.jid, type: 'w:gp2', id: newStanzaId(), t, addressing_mode: group.addressingMode, ...by },
      content: [child],
    }));
    member.record(member.groupEvents, { group: group.jid, by: actor.phoneNumber, timestamp: Number(t), ...seen });
    net.events.emit('groupEvent', member);
  }
  net.changed();
}

export function changeSubject(net: Network, group: Group, actor: Phone, subject: string): void {
  requireMember(group, actor);
  if (group.locked) requireAdmin(group, actor);
  const value = subject.trim();
  if (!value || value.length > 100) throw refuse(400, 'bad-request');
  group.subject = value;
  group.subjectTime = Number(nowSeconds());
  notify(net, group, actor, { tag: 'subject', attrs: { subject: value, s_o: memberJid(group, actor), s_t: String(group.subjectTime) } }, { action: 'subject', subject: value });
}

/** A new description, or none (`text` null or empty). */
export function changeDescription(net: Network, group: Group, actor: Phone, text: string | null): void {
  requireMember(group, actor);
  if (group.locked) requireAdmin(group, actor);
  if (text && text.length > 2048) throw refuse(406, 'not-acceptable');
  const id = newMessageId();
  const t = Number(nowSeconds());
  if (text) group.description = { id, text, time: t, by: actor.phoneNumber };
  else delete group.description;
  const child: BinaryNode = text
    ? { tag: 'description', attrs: { id }, content: [{ tag: 'body', attrs: {}, content: Buffer.from(text, 'utf8') }] }
    : { tag: 'description', attrs: { id, delete: 'true' } };
  notify(net, group, actor, child, { action: 'description', description: text || null });
}

export function changeSetting(net: Network, group: Group, actor: Phone, setting: GroupSetting): void {
  requireAdmin(group, actor);
  if (setting === 'announcement' || setting === 'not_announcement') group.announce = setting === 'announcement';
  else group.locked = setting === 'locked';
  notify(net, group, actor, { tag: setting, attrs: {} }, { action: setting });
}

export interface ParticipantOutcome {
  phone: Phone | undefined;
  /** The jid as it was asked for. */
  jid: string;
  /** 200, or WhatsApp's per-participant error: 404 not on WhatsApp / not a member, 409 already a member. */
  status: number;
}

/** Adds, removes, promotes or demotes members; each one gets its own outcome, like WhatsApp answers. */
export function changeParticipants(net: Network, group: Group, actor: Phone, action: ParticipantAction, jids: string[]): ParticipantOutcome[] {
  requireAdmin(group, actor);
  const outcomes: ParticipantOutcome[] = [];
  const changed: Phone[] = [];
  for (const jid of jids) {
    const phone = net.directory.resolve(jid)?.phone;
    const entry = phone ? group.participants.find((p) => p.phoneNumber === phone.phoneNumber) : undefined;
    let status = 200;
    if (!phone) status = 404;
    else if (action === 'add') status = entry ? 409 : 200;
    else if (!entry) status = 404;
    // Nobody removes or demotes the creator.
    else if ((action === 'remove' || action === 'demote') && entry.role === 'superadmin') status = 406;
    outcomes.push({ phone, jid, status });
    if (status !== 200 || !phone || changed.includes(phone)) continue;
    changed.push(phone);
    if (action === 'add') group.participants.push({ phoneNumber: phone.phoneNumber, role: null });
    else if (action === 'remove') group.participants = group.participants.filter((p) => p !== entry);
    else entry!.role = action === 'promote' ? 'admin' : null;
  }
  if (changed.length) {
    const child: BinaryNode = { tag: action, attrs: {}, content: changed.map((p) => participantNode(group, p)) };
    notify(net, group, actor, child, { action, participants: changed.map((p) => p.phoneNumber) }, action === 'remove' ? changed : []);
    if (action === 'remove') forgetEmptyGroup(net, group);
  }
  return outcomes;
}

/** A member leaves; the others see it as a `remove` by the leaver (Baileys reports GROUP_PARTICIPANT_LEAVE). */
export function leaveGroup(net: Network, group: Group, actor: Phone): void {
  requireMember(group, actor);
  group.participants = group.participants.filter((p) => p.phoneNumber !== actor.phoneNumber);
  // WhatsApp hands the group to an admin (or the oldest member) when its creator leaves.
  if (!group.participants.some((p) => p.role === 'superadmin')) {
    const heir = group.participants.find((p) => p.role) ?? group.participants[0];
    if (heir) heir.role = 'superadmin';
  }
  notify(net, group, actor, { tag: 'remove', attrs: {}, content: [participantNode(group, actor)] }, { action: 'leave', participants: [actor.phoneNumber] }, [actor]);
  forgetEmptyGroup(net, group);
}

function forgetEmptyGroup(net: Network, group: Group): void {
  if (group.participants.length === 0) net.groups.delete(group.jid);
}

/** The group's invite-link code (admins only), made on first request. */
export function inviteCode(net: Network, group: Group, actor: Phone): string {
  requireAdmin(group, actor);
  if (!group.inviteCode) {
    group.inviteCode = newInviteCode();
    net.changed();
  }
  return group.inviteCode;
}

/** A new code: links with the old one stop working. */
export function revokeInvite(net: Network, group: Group, actor: Phone): string {
  requireAdmin(group, actor);
  group.inviteCode = newInviteCode();
  notify(net, group, actor, { tag: 'invite', attrs: { code: group.inviteCode } }, { action: 'invite' });
  return group.inviteCode;
}

function groupByInvite(net: Network, code: string): Group {
  const group = code ? [...net.groups.values()].find((g) => g.inviteCode === code) : undefined;
  // WhatsApp: 406 for a code that is not (or no longer) a group's link.
  if (!group) throw refuse(406, 'not-acceptable');
  return group;
}

/** Joins through an invite code; every member (the joiner too) sees an `add`. */
export function acceptInvite(net: Network, actor: Phone, code: string): Group {
  const group = groupByInvite(net, code);
  if (isMember(group, actor)) throw refuse(409, 'conflict');
  group.participants.push({ phoneNumber: actor.phoneNumber, role: null });
  notify(net, group, actor, { tag: 'add', attrs: { reason: 'invite' }, content: [participantNode(group, actor)] }, { action: 'add', participants: [actor.phoneNumber] });
  return group;
}

const newInviteCode = () => randomBytes(16).toString('base64url').slice(0, 22);

/**
 * The set iqs of `w:g2` (and the invite gets), as Baileys' groups.js sends them. Returns false for
 * anything else. A refusal is an iq error with WhatsApp's code, which Baileys throws as a Boom.
 */
export function onGroupAdminIq(net: Network, conn: Connection, iq: BinaryNode, self: Phone): boolean {
  const to = iq.attrs.to ?? '';
  const child = Array.isArray(iq.content) ? (iq.content[0] as BinaryNode | undefined) : undefined;
  if (!child) return false;
  const answer = (content?: BinaryNode[]) => void conn.send(iqResult(iq, content));
  const group = () => {
    const g = net.groups.get(to);
    if (!g) throw notFound();
    return g;
  };
  try {
    if (iq.attrs.type === 'get') {
      if (child.tag !== 'invite') return false;
      // To `@g.us` with a code: what the link leads to; to a group: its current code.
      if (child.attrs.code) answer([groupNode(net, groupByInvite(net, child.attrs.code))]);
      else answer([{ tag: 'invite', attrs: { code: inviteCode(net, group(), self) } }]);
      return true;
    }
    if (iq.attrs.type !== 'set') return false;
    if (to === '@g.us') {
      if (child.tag === 'create') {
        const members = getBinaryNodeChildren(child, 'participant').map((p) => net.directory.resolve(p.attrs.jid)?.phone.phoneNumber);
        const subject = child.attrs.subject ?? '';
        if (!subject.trim() || subject.trim().length > 100) throw refuse(400, 'bad-request');
        // Numbers that are not on WhatsApp are left out; the creator sees who is in the result.
        const created = createGroup(net, { subject, owner: self.phoneNumber, participants: members.filter((n): n is string => !!n) }, (n) => net.directory.get(n)!);
        answer([groupNode(net, created)]);
        return true;
      }
      if (child.tag === 'leave') {
        for (const g of getBinaryNodeChildren(child, 'group')) {
          const left = net.groups.get(g.attrs.id?.includes('@') ? g.attrs.id : `${g.attrs.id}@g.us`);
          if (left && isMember(left, self)) leaveGroup(net, left, self);
        }
        answer([{ tag: 'leave', attrs: {}, content: getBinaryNodeChildren(child, 'group') }]);
        return true;
      }
      if (child.tag === 'invite' && child.attrs.code) {
        const joined = acceptInvite(net, self, child.attrs.code);
        answer([{ tag: 'group', attrs: { jid: joined.jid } }]);
        return true;
      }
      return false;
    }
    if (child.tag === 'subject') {
      const raw = child.content;
      changeSubject(net, group(), self, typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : '');
      answer();
      return true;
    }
    if (child.tag === 'description') {
      const body = getBinaryNodeChild(child, 'body')?.content;
      const text = child.attrs.delete === 'true' ? null : typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : null;
      changeDescription(net, group(), self, text);
      answer();
      return true;
    }
    if (SETTINGS.includes(child.tag)) {
      changeSetting(net, group(), self, child.tag as GroupSetting);
      answer();
      return true;
    }
    if (ACTIONS.includes(child.tag)) {
      const g = group();
      const outcomes = changeParticipants(net, g, self, child.tag as ParticipantAction, getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid ?? ''));
      answer([{
        tag: child.tag,
        attrs: {},
        content: outcomes.map((o) => {
          const attrs: Record<string, string> = { jid: o.jid };
          if (o.status !== 200) attrs.error = String(o.status);
          else if (o.phone) Object.assign(attrs, g.addressingMode === 'lid' ? { phone_number: o.phone.jid } : { lid: o.phone.lidJid });
          return { tag: 'participant', attrs };
        }),
      }]);
      return true;
    }
    if (child.tag === 'invite') {
      answer([{ tag: 'invite', attrs: { code: revokeInvite(net, group(), self) } }]);
      return true;
    }
    return false;
  } catch (err) {
    if (!(err instanceof SandboxError)) throw err;
    void conn.send(iqError(iq, err.status, err.message));
    return true;
  }
}
