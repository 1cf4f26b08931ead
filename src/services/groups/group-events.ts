import { isJidGroup, WAMessageStubType, type BaileysEventMap, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import { identityOf } from './group-mapper.ts';
import type { GroupEvent, GroupEventParticipant, GroupEventType } from './types.ts';

const PARTICIPANT_EVENTS: Partial<Record<number, GroupEventType>> = {
  [WAMessageStubType.GROUP_PARTICIPANT_ADD]: 'PARTICIPANTS_ADDED',
  [WAMessageStubType.GROUP_PARTICIPANT_INVITE]: 'PARTICIPANTS_ADDED',
  [WAMessageStubType.GROUP_PARTICIPANT_ADD_REQUEST_JOIN]: 'PARTICIPANTS_ADDED',
  [WAMessageStubType.GROUP_PARTICIPANT_REMOVE]: 'PARTICIPANTS_REMOVED',
  [WAMessageStubType.GROUP_PARTICIPANT_LEAVE]: 'PARTICIPANTS_REMOVED',
  [WAMessageStubType.GROUP_PARTICIPANT_PROMOTE]: 'PARTICIPANTS_PROMOTED',
  [WAMessageStubType.GROUP_PARTICIPANT_DEMOTE]: 'PARTICIPANTS_DEMOTED',
};

function authorOf(author: string | undefined | null, authorPn: string | undefined | null): GroupEventParticipant | null {
  if (!author) return null;
  return identityOf({ id: author, ...(author.endsWith('@lid') ? { phoneNumber: authorPn ?? null } : { lid: authorPn?.endsWith('@lid') ? authorPn : null }) });
}

/** A participant as Baileys writes it into the notification's stub parameters (JSON); null when it is not one. */
function participantOf(param: string): GroupEventParticipant | null {
  try {
    const p = JSON.parse(param) as { id?: unknown; lid?: unknown; phoneNumber?: unknown };
    if (typeof p?.id !== 'string') return null;
    return identityOf({ id: p.id, lid: typeof p.lid === 'string' ? p.lid : null, phoneNumber: typeof p.phoneNumber === 'string' ? p.phoneNumber : null });
  } catch {
    return null;
  }
}

const on = (value: string | undefined) => value === 'on' || value === 'true';

/**
 * The group change a `w:gp2` notification made, from the stub message Baileys builds of it (its key
 * is the notification's: id, author, author's other JID); undefined for any other message.
 */
export function groupEventOf(instanceId: string, msg: WAMessage): GroupEvent | undefined {
  const jid = msg.key?.remoteJid;
  const stub = msg.messageStubType;
  if (!stub || !jid || !isJidGroup(jid)) return undefined;
  const params: string[] = msg.messageStubParameters ?? [];
  const seconds = Number(msg.messageTimestamp ?? 0);
  const event = (type: GroupEventType, fields: Partial<GroupEvent> = {}): GroupEvent => ({
    instanceId,
    groupJid: jid,
    type,
    author: authorOf(msg.key.participant, (msg.key as { participantAlt?: string | null }).participantAlt),
    participants: [],
    subject: null,
    description: null,
    announce: null,
    locked: null,
    at: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    notificationId: msg.key.id ?? null,
    ...fields,
  });
  const participantsEvent = PARTICIPANT_EVENTS[stub];
  if (participantsEvent) return event(participantsEvent, { participants: params.map(participantOf).filter((p) => p !== null) });
  switch (stub) {
    case WAMessageStubType.GROUP_CREATE:
      return event('JOINED', { subject: params[0] ?? null });
    case WAMessageStubType.GROUP_CHANGE_SUBJECT:
      return event('SUBJECT_CHANGED', { subject: params[0] ?? '' });
    case WAMessageStubType.GROUP_CHANGE_DESCRIPTION:
      return event('DESCRIPTION_CHANGED', { description: params[0] ?? null });
    case WAMessageStubType.GROUP_CHANGE_ANNOUNCE:
      return event('SETTINGS_CHANGED', { announce: on(params[0]) });
    case WAMessageStubType.GROUP_CHANGE_RESTRICT:
      return event('SETTINGS_CHANGED', { locked: on(params[0]) });
    case WAMessageStubType.GROUP_CHANGE_INVITE_LINK:
      return event('INVITE_LINK_CHANGED');
    default:
      return undefined;
  }
}

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
 * Group changes as WhatsApp's `w:gp2` notifications tell them: members added, removed, promoted,
 * demoted; subject, description, settings and invite link changed; a group created with this
 * account in it. Read from the stub message Baileys upserts for each notification rather than from
 * its `group-participants.update` / `groups.update` events, which drop the notification's id: with
 * the id, a notification WhatsApp delivers again is the same event (the same webhook event id).
 */
export function watchGroupEvents(sock: WASocket, instanceId: string, publish: (event: GroupEvent) => void): void {
  // One chain, so events keep WhatsApp's order while an author's number is looked up.
  let chain = Promise.resolve();
  sock.ev.on('messages.upsert', ({ messages }: BaileysEventMap['messages.upsert']) => {
    for (const msg of messages) {
      const event = groupEventOf(instanceId, msg);
      if (event) chain = chain.then(async () => publish(await withAuthorNumber(sock, event))).catch(() => undefined);
    }
  });
}
