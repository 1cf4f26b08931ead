import { normalizePhoneNumber } from '../messaging/index.ts';
import { validationFailed } from '../shared/index.ts';

/** WhatsApp's limits: a push name of 25 characters, an about of 139. */
export const PROFILE_NAME_MAX = 25;
export const ABOUT_MAX = 139;

const USER_JID = /^(\d{5,20})(?::\d+)?@(s\.whatsapp\.net|lid)$/;
const GROUP_JID = /^\d[\d-]{4,40}@g\.us$/;

/** A phone number in international form or a user JID (PN or LID), as the JID WhatsApp takes; groups only where `groups` says. */
export function checkProfileJid(input: string, { groups = false } = {}): string {
  const value = (input ?? '').trim();
  const user = USER_JID.exec(value);
  if (user) return `${user[1]}@${user[2]}`;
  if (groups && GROUP_JID.test(value)) return value;
  const digits = value.includes('@') ? null : normalizePhoneNumber(value);
  if (digits) return `${digits}@s.whatsapp.net`;
  const what = groups ? 'a phone number in international form, a user JID or a group JID' : 'a phone number in international form or a user JID';
  throw validationFailed(`"${input}" is not ${what}`, { field: 'jid' });
}

export function checkProfileName(name: string): string {
  const value = (name ?? '').trim();
  if (!value || value.length > PROFILE_NAME_MAX) throw validationFailed(`name must be 1 to ${PROFILE_NAME_MAX} characters`, { field: 'name' });
  return value;
}

export function checkAbout(text: string): string {
  const value = (text ?? '').trim();
  if (!value || value.length > ABOUT_MAX) throw validationFailed(`about must be 1 to ${ABOUT_MAX} characters`, { field: 'about' });
  return value;
}
