import { DomainError } from '../shared/index.ts';

const JID = /^(\d{5,20})(?::\d+)?@(s\.whatsapp\.net|lid)$|^[\d-]{5,40}@g\.us$/;

export type Recipient = { kind: 'jid'; jid: string } | { kind: 'phone'; phoneNumber: string; jid: string };

/** Digits of a phone number in international form (+, spaces, dashes, dots, parentheses allowed), or null. */
export function normalizePhoneNumber(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\(?\+?[\d\s\-().]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  // E.164: at most 15 digits; no country code starts with 0.
  return digits.length >= 7 && digits.length <= 15 && digits[0] !== '0' ? digits : null;
}

/** `to` accepts a phone number in international form or a JID. */
export function parseRecipient(to: string): Recipient {
  const value = (to ?? '').trim();
  if (value.includes('@')) {
    if (!JID.test(value)) throw new DomainError('INVALID_RECIPIENT', `"${to}" is not a valid WhatsApp JID`, { to });
    return { kind: 'jid', jid: value.replace(/:\d+@/, '@') };
  }
  const phoneNumber = normalizePhoneNumber(value);
  if (!phoneNumber) {
    throw new DomainError('INVALID_RECIPIENT', `"${to}" is not a phone number in international form (country code first, 7 to 15 digits)`, { to });
  }
  return { kind: 'phone', phoneNumber, jid: `${phoneNumber}@s.whatsapp.net` };
}
