import { normalizePhoneNumber } from '../messaging/index.ts';
import { validationFailed } from '../shared/index.ts';

export const SUBJECT_MAX = 100;
export const DESCRIPTION_MAX = 2048;
export const PARTICIPANTS_MAX = 256;

const GROUP_JID = /^\d[\d-]{4,40}@g\.us$/;
const USER_JID = /^(\d{5,20})(?::\d+)?@(s\.whatsapp\.net|lid)$/;
const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/;

export function checkGroupJid(jid: string): string {
  const value = (jid ?? '').trim();
  if (!GROUP_JID.test(value)) throw validationFailed(`"${jid}" is not a group JID (\`<digits>@g.us\`)`, { field: 'jid' });
  return value;
}

export function checkSubject(subject: string): string {
  const value = (subject ?? '').trim();
  if (!value || value.length > SUBJECT_MAX) throw validationFailed(`subject must be 1 to ${SUBJECT_MAX} characters`, { field: 'subject' });
  return value;
}

export function checkDescription(description: string): string {
  if (description.length > DESCRIPTION_MAX) throw validationFailed(`description must be at most ${DESCRIPTION_MAX} characters`, { field: 'description' });
  return description.trim();
}

/** Phone numbers in international form or user JIDs (PN or LID), each once, as the jids WhatsApp takes. */
export function checkParticipants(list: string[], { allowEmpty = false } = {}): Array<{ input: string; jid: string }> {
  if ((!allowEmpty && list.length === 0) || list.length > PARTICIPANTS_MAX) {
    throw validationFailed(`participants must list ${allowEmpty ? 0 : 1} to ${PARTICIPANTS_MAX} phone numbers or JIDs`, { field: 'participants' });
  }
  const seen = new Set<string>();
  const out: Array<{ input: string; jid: string }> = [];
  for (const input of list) {
    const value = (input ?? '').trim();
    const match = USER_JID.exec(value);
    const digits = match ? null : normalizePhoneNumber(value);
    const jid = match ? `${match[1]}@${match[2]}` : digits ? `${digits}@s.whatsapp.net` : null;
    if (!jid) throw validationFailed(`"${input}" is neither a phone number in international form nor a user JID`, { field: 'participants', value: input });
    if (seen.has(jid)) continue;
    seen.add(jid);
    out.push({ input, jid });
  }
  return out;
}

/** A bare code or a `https://chat.whatsapp.com/<code>` link. */
export function checkInviteCode(input: string): string {
  const value = (input ?? '').trim().replace(/^https?:\/\/chat\.whatsapp\.com\//i, '').replace(/[/?#].*$/, '');
  if (!INVITE_CODE.test(value)) throw validationFailed('inviteCode is neither an invite code nor a chat.whatsapp.com link', { field: 'inviteCode' });
  return value;
}
