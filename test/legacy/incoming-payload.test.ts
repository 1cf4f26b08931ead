import { describe, expect, it } from 'vitest';
import { legacyIncomingPayload } from '../../src/legacy/incoming-payload.ts';
import type { IncomingMessage } from '../../src/services/messaging/index.ts';

// SUDEVWA's `incoming_message` stays byte-for-byte for the kinds it knew; new kinds only add keys.
const base: IncomingMessage = {
  id: 'ABC',
  instanceId: 'i1',
  chatJid: '15550000002@s.whatsapp.net',
  sender: { jid: '15550000002@s.whatsapp.net', lid: null, phoneNumber: '15550000002', pushName: 'Ana' },
  fromMe: false,
  isGroup: false,
  type: 'TEXT',
  text: 'hi',
  timestamp: new Date(1_700_000_000_000),
  media: null,
  details: {},
};
const SUDEVWA_TEXT = '{"instance_id":"i1","from":"15550000002@s.whatsapp.net","from_me":false,"message":"hi","timestamp":1700000000,"is_group":false,"message_id":"ABC","push_name":"Ana"}';

describe('legacy incoming_message', () => {
  it('a text, even a reply with mentions, is exactly what SUDEVWA sent', () => {
    expect(JSON.stringify(legacyIncomingPayload(base))).toBe(SUDEVWA_TEXT);
    const reply = { ...base, details: { quoted: { id: 'X', senderJid: null, text: 'q' }, mentions: ['1@s.whatsapp.net'], forwarded: true } };
    expect(JSON.stringify(legacyIncomingPayload(reply))).toBe(SUDEVWA_TEXT);
  });

  it('new kinds keep every SUDEVWA key and add their own', () => {
    const location = legacyIncomingPayload({ ...base, type: 'LOCATION', text: null, details: { location: { latitude: 1.5, longitude: 2.5, name: 'Here', address: null, live: false } } });
    expect(location).toMatchObject({ message: '', message_id: 'ABC', location: { latitude: 1.5, longitude: 2.5, name: 'Here', address: null, live: false } });
    const contacts = legacyIncomingPayload({ ...base, type: 'CONTACT', text: null, details: { contacts: [{ displayName: 'Bo', vcard: 'BEGIN:VCARD', phoneNumbers: ['1'] }] } });
    expect(contacts.contacts).toEqual([{ display_name: 'Bo', vcard: 'BEGIN:VCARD', phone_numbers: ['1'] }]);
    expect(legacyIncomingPayload({ ...base, type: 'REACTION', text: null, details: { reaction: { emoji: '👍', targetId: 'T' } } }).reaction).toEqual({ emoji: '👍', message_id: 'T' });
    expect(legacyIncomingPayload({ ...base, type: 'POLL', text: null, details: { poll: { question: 'Q', options: ['a', 'b'], selectableCount: 0 } } }).poll).toEqual({ question: 'Q', options: ['a', 'b'], selectable_count: 0 });
  });
});
