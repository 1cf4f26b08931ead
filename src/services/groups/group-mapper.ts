import type { GroupMetadata, GroupParticipant } from '@whiskeysockets/baileys';
import type { GroupEventParticipant, GroupMember, GroupView } from './types.ts';

const digitsOf = (jid: string | null | undefined): string | null =>
  jid?.endsWith('@s.whatsapp.net') ? jid.split('@')[0]!.split(':')[0]! : null;

/** Both forms of a member's identity, whichever WhatsApp put first (LID groups: `id` is the LID). */
export function identityOf(p: { id: string; lid?: string | null; phoneNumber?: string | null }): GroupEventParticipant {
  const lid = p.id.endsWith('@lid') ? p.id : (p.lid ?? null);
  const pn = p.id.endsWith('@s.whatsapp.net') ? p.id : (p.phoneNumber ?? null);
  return { jid: p.id, lid, phoneNumber: digitsOf(pn) };
}

function toMember(p: GroupParticipant): GroupMember {
  return { ...identityOf(p), role: p.admin === 'superadmin' ? 'SUPERADMIN' : p.admin === 'admin' ? 'ADMIN' : 'MEMBER' };
}

export function toGroupView(instanceId: string, g: GroupMetadata): GroupView {
  const participants = (g.participants ?? []).map(toMember);
  return {
    instanceId,
    jid: g.id,
    subject: g.subject ?? '',
    description: g.desc ?? null,
    ownerJid: g.owner ?? null,
    ownerPhoneNumber: digitsOf(g.ownerPn ?? g.owner),
    createdAt: g.creation ? new Date(g.creation * 1000) : null,
    announce: !!g.announce,
    locked: !!g.restrict,
    addressingMode: g.addressingMode === 'lid' ? 'LID' : 'PN',
    size: g.size ?? participants.length,
    participants,
  };
}
