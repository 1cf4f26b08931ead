import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber, parseRecipient } from '../../src/services/messaging/recipients.ts';

describe('recipients', () => {
  it.each([
    ['+62 812-3456-7890', '6281234567890'],
    ['6281234567890', '6281234567890'],
    ['(+1) 555.020.0002', '15550200002'],
  ])('normalises %s', (input, digits) => expect(normalizePhoneNumber(input)).toBe(digits));

  it.each(['', 'abc', '123', '+0 555 1234567', '1234567890123456', '62812abc'])('rejects %j', (input) =>
    expect(normalizePhoneNumber(input)).toBeNull(),
  );

  it('accepts JIDs as they are and drops a device suffix', () => {
    expect(parseRecipient('15550200002@s.whatsapp.net')).toEqual({ kind: 'jid', jid: '15550200002@s.whatsapp.net' });
    expect(parseRecipient('123456789012345:7@lid')).toEqual({ kind: 'jid', jid: '123456789012345@lid' });
    expect(parseRecipient('120363000000000000@g.us').kind).toBe('jid');
  });

  it('refuses malformed input with INVALID_RECIPIENT', () => {
    for (const bad of ['foo@bar.com', 'not a number', '@s.whatsapp.net']) {
      expect(() => parseRecipient(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_RECIPIENT' }));
    }
  });
});
