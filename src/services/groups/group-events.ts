import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';
import { identityOf } from './group-mapper.ts';
import type { GroupEvent, GroupEventParticipant, GroupEventType } from './types.ts';

const PARTICIPANT_EVENTS: Record<string, GroupEventType | undefined> = {
  add: 'PARTICIPANTS_ADDED',
  remove: 'PARTICIPANTS_REMOVED',
  promote: 'PARTICIPANTS_PROMOTED',
  demote: 'PARTICIPANTS_DEMOTED',
};

function authorOf(author: string | undefined | null, authorPn: string | undefined | null): GroupEventParticipant | null {
  if (!author) return null;
  return identityOf({ id: author, ...(author.endsWith('@lid') ? { phoneNumber: authorPn ?? null } : { lid: authorPn?.endsWith('@lid') ? authorPn : null }) });
}

const blank = (instanceId: string, groupJid: string, type: GroupEventType, author: GroupEventParticipant | null): GroupEvent => ({
  instanceId, groupJid, type, author, participants: [], subject: null, description: null, announce: null, locked: null, at: new Date(),
});

/**
 * Baileys drops the author's phone number of a LID-addressed notification (its message key keeps no
 * `participantAlt`), so it is looked up: Baileys' LID mapping store first, then the group's member list.
 */
async function withAuthorNumber(sock: WASocket, event: GroupEvent): Promise<GroupEvent> {
  const author = event.author;
  if (!author?.lid || author.phoneNumber) return event;
  const known = event.participants.find((p) => p.lid === author.lid && p.phoneNumber);
  let pn: string | null | undefined = known ? `${known.phoneNumber}@s.whatsapp.net` : await sock.signalRepository.lidMapping.getPNForLID(author.lid).catch(() => null);
  if (!pn) {
    const meta = await sock.groupMetadata(event.groupJid).catch(() => undefined);
    pn = meta?.participants.find((p) => p.id === author.lid)?.phoneNumber ?? null;
  }
  return pn ? { ...event, author: { ...author, phoneNumber: pn.split('@')[0]!.split(':')[0]! } } : event;
}

/**
 * Group changes as Baileys reports WhatsApp's `w:gp2` notifications: members added, removed,
 * promoted, demoted; subject, description, settings and invite link changed; a group joined.
 * Baileys also emits `groups.update` with whole metadata when groups are listed (no `author` key
 * then): that is a read, not a change, and is not reported.
 */
export function watchGroupEvents(sock: WASocket, instanceId: string, publish: (event: GroupEvent) => void): void {
  // One chain, so events keep WhatsApp's order while an author's number is looked up.
  let chain = Promise.resolve();
  const emit = (event: GroupEvent) => {
    chain = chain.then(async () => publish(await withAuthorNumber(sock, event))).catch(() => undefined);
  };
  sock.ev.on('group-participants.update', (u: BaileysEventMap['group-participants.update']) => {
    const type = PARTICIPANT_EVENTS[u.action];
    if (!type) return;
    emit({ ...blank(instanceId, u.id, type, authorOf(u.author, u.authorPn)), participants: u.participants.map(identityOf) });
  });
  sock.ev.on('groups.update', (updates: BaileysEventMap['groups.update']) => {
    for (const u of updates) {
      if (!u.id || !('author' in u)) continue;
      const author = authorOf(u.author, (u as { authorPn?: string }).authorPn);
      if (u.subject !== undefined) emit({ ...blank(instanceId, u.id, 'SUBJECT_CHANGED', author), subject: u.subject });
      if ('desc' in u) emit({ ...blank(instanceId, u.id, 'DESCRIPTION_CHANGED', author), description: u.desc ?? null });
      if (u.announce !== undefined) emit({ ...blank(instanceId, u.id, 'SETTINGS_CHANGED', author), announce: u.announce });
      if (u.restrict !== undefined) emit({ ...blank(instanceId, u.id, 'SETTINGS_CHANGED', author), locked: u.restrict });
      if ('inviteCode' in u) emit(blank(instanceId, u.id, 'INVITE_LINK_CHANGED', author));
    }
  });
  // A group this account was just put in at creation (its own or another's).
  sock.ev.on('groups.upsert', (groups: BaileysEventMap['groups.upsert']) => {
    for (const g of groups) {
      const author = authorOf((g as { author?: string }).author, (g as { authorPn?: string }).authorPn);
      emit({ ...blank(instanceId, g.id, 'JOINED', author), subject: g.subject ?? null });
    }
  });
}
