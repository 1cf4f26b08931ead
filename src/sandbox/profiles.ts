import { randomInt } from 'node:crypto';
import type { Phone, ProfilePicture } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError } from './errors.ts';
import { isMember, memberJid, type Group } from './groups.ts';
import { childBuffer, iqError, iqResult, type Network, newStanzaId, nowSeconds } from './network.ts';
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from './wa.ts';

/** WhatsApp's limit on the about text. */
export const ABOUT_MAX = 139;
/** Larger pictures are refused; Baileys sends a 640x640 JPEG of a few dozen KB. */
const PICTURE_MAX_BYTES = 2 * 1024 * 1024;

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Whether `owner` blocked `other`: WhatsApp hides the owner's profile from them and drops their messages to the owner. */
export function hasBlocked(owner: Phone, other: Phone): boolean {
  return owner !== other && owner.blocked.has(other.phoneNumber);
}

/**
 * The phones that see `phone`'s profile changes as notifications: everyone it exchanged messages with
 * (the sandbox keeps no address books), less those it blocked.
 */
function contactsOf(net: Network, phone: Phone): Phone[] {
  const sentTo = new Set([...phone.sent.values()].map((s) => s.to));
  return net.directory.all().filter((other) => {
    if (other === phone || hasBlocked(phone, other)) return false;
    return sentTo.has(other.phoneNumber) || phone.inbox.some((m) => m.from === other.phoneNumber) || other.inbox.some((m) => m.from === phone.phoneNumber);
  });
}

async function storePicture(net: Network, jpeg: Buffer): Promise<ProfilePicture> {
  if (!isJpeg(jpeg)) throw new SandboxError('INVALID_PICTURE', 'a profile picture must be a JPEG image', 400);
  if (jpeg.length > PICTURE_MAX_BYTES) throw new SandboxError('INVALID_PICTURE', `a profile picture must be at most ${PICTURE_MAX_BYTES} bytes`, 400);
  if (!net.files) throw new SandboxError('NO_MEDIA_HOST', 'the media host is not running', 503);
  const stored = await net.files.store(jpeg);
  return { id: String(randomInt(1_000_000_000, 2_000_000_000)), ...stored, setAt: Number(nowSeconds()) };
}

/**
 * Sets or removes a group's icon: members only (403), admins only in a locked group (401). Every
 * member's devices get a `picture` notification from the group naming the author (Baileys: a
 * GROUP_CHANGE_ICON stub), and each member phone records it.
 */
export async function setGroupPicture(net: Network, group: Group, actor: Phone, jpeg: Buffer | null, fromDevice?: number): Promise<ProfilePicture | undefined> {
  if (!isMember(group, actor)) throw new SandboxError('GROUP_FORBIDDEN', 'forbidden', 403);
  if (group.locked && !group.participants.find((p) => p.phoneNumber === actor.phoneNumber)?.role) throw new SandboxError('GROUP_NOT_AUTHORIZED', 'not-authorized', 401);
  group.picture = jpeg ? await storePicture(net, jpeg) : undefined;
  net.changed();
  const author = memberJid(group, actor);
  const change: BinaryNode = group.picture ? { tag: 'set', attrs: { jid: group.jid, id: group.picture.id, author } } : { tag: 'delete', attrs: { jid: group.jid, author } };
  const t = nowSeconds();
  for (const p of group.participants) {
    const member = net.directory.get(p.phoneNumber);
    if (!member) continue;
    net.deliverToCompanions(member, (c) =>
      member === actor && c.deviceId === fromDevice ? undefined : { tag: 'notification', attrs: { from: group.jid, type: 'picture', id: newStanzaId(), t }, content: [change] },
    );
    member.record(member.groupEvents, { group: group.jid, action: 'picture', by: actor.phoneNumber, timestamp: Number(t) });
    net.events.emit('groupEvent', member);
  }
  return group.picture;
}

/** Sets (JPEG bytes) or removes (null) the account's picture; its other devices and its contacts get a `picture` notification. */
export async function setPicture(net: Network, phone: Phone, jpeg: Buffer | null, fromDevice?: number): Promise<ProfilePicture | undefined> {
  phone.picture = jpeg ? await storePicture(net, jpeg) : undefined;
  net.changed();
  const change: BinaryNode = phone.picture
    ? { tag: 'set', attrs: { jid: phone.jid, id: phone.picture.id, author: phone.jid } }
    : { tag: 'delete', attrs: { jid: phone.jid, author: phone.jid } };
  const notification = (): BinaryNode => ({ tag: 'notification', attrs: { from: phone.jid, type: 'picture', id: newStanzaId(), t: nowSeconds() }, content: [change] });
  net.deliverToCompanions(phone, (c) => (c.deviceId === fromDevice ? undefined : notification()));
  for (const contact of contactsOf(net, phone)) net.deliverToCompanions(contact, notification);
  return phone.picture;
}

export function setAbout(net: Network, phone: Phone, text: string | null): void {
  const value = text ?? '';
  if (value.length > ABOUT_MAX) throw new SandboxError('INVALID_ABOUT', `the about text is at most ${ABOUT_MAX} characters`, 400);
  phone.about = value ? { text: value, setAt: Number(nowSeconds()) } : undefined;
  net.changed();
}

/** Blocks or unblocks `target`; the account's other devices get an `account_sync` notification, as WhatsApp sends. */
export function setBlocked(net: Network, phone: Phone, target: Phone, block: boolean, fromDevice?: number): void {
  if (target === phone) throw new SandboxError('INVALID_BLOCK', 'an account cannot block itself', 400);
  if (block === phone.blocked.has(target.phoneNumber)) return;
  if (block) phone.blocked.add(target.phoneNumber);
  else phone.blocked.delete(target.phoneNumber);
  net.changed();
  net.deliverToCompanions(phone, (c) =>
    c.deviceId === fromDevice
      ? undefined
      : {
          tag: 'notification',
          attrs: { from: phone.jid, type: 'account_sync', id: newStanzaId(), t: nowSeconds() },
          content: [{ tag: 'blocklist', attrs: {}, content: [{ tag: 'item', attrs: { jid: target.lidJid, pn_jid: target.jid, action: block ? 'block' : 'unblock' } }] }],
        },
  );
}

/** The usync `status` protocol's answer for one user: the about text, hidden (401) from someone the user blocked. */
export function statusNode(target: Phone, viewer: Phone | undefined): BinaryNode {
  if (viewer && hasBlocked(target, viewer)) return { tag: 'status', attrs: { code: '401' } };
  if (!target.about) return { tag: 'status', attrs: { t: '0' } };
  return { tag: 'status', attrs: { t: String(target.about.setAt) }, content: Buffer.from(target.about.text, 'utf8') };
}

const self = (net: Network, conn: Connection) => net.directory.get(conn.companion!.phoneNumber)!;

/**
 * `xmlns=w:profile:picture`: `get` with `target` answers the picture's URL (404 without one, 401 when
 * its owner blocked the asker or the asker is not in the group); `set` with a `<picture>` JPEG replaces
 * the account's own picture (or, with a group `target`, the group's icon), without one removes it.
 * Setting another user's picture is refused (403).
 */
export function onProfilePictureIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const me = self(net, conn);
  const group = iq.attrs.target?.endsWith('@g.us') ? net.groups.get(iq.attrs.target) : undefined;
  if (iq.attrs.type === 'get') {
    const target = net.directory.resolve(iq.attrs.target)?.phone;
    const wanted = getBinaryNodeChild(iq, 'picture')?.attrs.type ?? 'preview';
    if ((target && hasBlocked(target, me)) || (group && !isMember(group, me))) return void conn.send(iqError(iq, 401, 'not-authorized'));
    const picture = group ? group.picture : target?.picture;
    if (!picture) return void conn.send(iqError(iq, 404, 'item-not-found'));
    return void conn.send(iqResult(iq, [{ tag: 'picture', attrs: { id: picture.id, type: wanted, url: picture.url, direct_path: picture.directPath } }]));
  }
  const bytes = childBuffer(getBinaryNodeChild(iq, 'picture')) ?? null;
  const target = iq.attrs.target ? net.directory.resolve(iq.attrs.target)?.phone : me;
  if (iq.attrs.target?.endsWith('@g.us') && !group) return void conn.send(iqError(iq, 404, 'item-not-found'));
  if (!group && target !== me) return void conn.send(iqError(iq, 403, 'forbidden'));
  (group ? setGroupPicture(net, group, me, bytes, conn.companion!.deviceId) : setPicture(net, me, bytes, conn.companion!.deviceId)).then(
    (picture) => conn.send(iqResult(iq, picture ? [{ tag: 'picture', attrs: { id: picture.id } }] : undefined)),
    (err: unknown) => conn.send(!(err instanceof SandboxError) ? iqError(iq, 500, 'internal-server-error') : err.status === 400 ? iqError(iq, 406, 'not-acceptable') : iqError(iq, err.status, err.message)),
  );
}

/** `xmlns=status` `set`: the account's about text. */
export function onStatusIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const text = childBuffer(getBinaryNodeChild(iq, 'status'))?.toString('utf8') ?? '';
  if (iq.attrs.type !== 'set') return void conn.send(iqResult(iq));
  try {
    setAbout(net, self(net, conn), text);
  } catch (err) {
    if (!(err instanceof SandboxError)) throw err;
    return void conn.send(iqError(iq, 406, 'not-acceptable'));
  }
  void conn.send(iqResult(iq));
}

/**
 * `xmlns=blocklist`: `get` lists what was blocked, as Baileys' `updateBlockStatus` names it (the LID as
 * `jid`, the phone number as `pn_jid`); `set` with `<item action jid pn_jid>` blocks or unblocks.
 */
export function onBlocklistIq(net: Network, conn: Connection, iq: BinaryNode): void {
  const me = self(net, conn);
  if (iq.attrs.type === 'get') {
    const items = [...me.blocked].flatMap((n) => {
      const p = net.directory.get(n);
      return p ? [{ tag: 'item', attrs: { jid: p.lidJid, pn_jid: p.jid } }] : [];
    });
    return void conn.send(iqResult(iq, [{ tag: 'list', attrs: {}, content: items }]));
  }
  const items = getBinaryNodeChildren(iq, 'item');
  for (const item of items) {
    const target = net.directory.resolve(item.attrs.jid)?.phone ?? net.directory.resolve(item.attrs.pn_jid)?.phone;
    const action = item.attrs.action;
    if (!target || (action !== 'block' && action !== 'unblock')) return void conn.send(iqError(iq, 400, 'bad-request'));
    if (target === me) return void conn.send(iqError(iq, 406, 'not-acceptable'));
  }
  for (const item of items) {
    const target = net.directory.resolve(item.attrs.jid)?.phone ?? net.directory.resolve(item.attrs.pn_jid)?.phone;
    setBlocked(net, me, target!, item.attrs.action === 'block', conn.companion!.deviceId);
  }
  void conn.send(iqResult(iq));
}

/** What the control API shows of a phone's profile. */
export function profileView(phone: Phone) {
  return {
    phoneNumber: phone.phoneNumber,
    pushName: phone.pushName,
    about: phone.about?.text ?? null,
    aboutSetAt: phone.about?.setAt ?? null,
    picture: phone.picture ?? null,
    blocked: [...phone.blocked],
  };
}

/** The phone's user edits the profile in the app: only the given fields change (null removes the about or the picture). */
export async function updateProfile(net: Network, phone: Phone, change: { pushName?: string; about?: string | null; pictureBase64?: string | null }): Promise<void> {
  if (change.about !== undefined) setAbout(net, phone, change.about);
  if (change.pictureBase64 !== undefined) await setPicture(net, phone, change.pictureBase64 === null ? null : Buffer.from(change.pictureBase64, 'base64'));
  if (change.pushName !== undefined) {
    phone.pushName = change.pushName.trim() || phone.pushName;
    net.changed();
  }
}
