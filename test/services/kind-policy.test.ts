import { describe, expect, it } from 'vitest';
import { buildVcard, checkChange, EDIT_WINDOW_MS, REVOKE_WINDOW_MS } from '../../src/services/messaging/kind-sends.ts';
import { vcardPhoneNumbers } from '../../src/services/messaging/message-content.ts';

// WhatsApp's windows take minutes and days; the policy is a function of the message and the clock.
const sentAt = new Date('2026-12-01T12:00:00Z');
const mine = { id: 'M1', fromMe: true, type: 'TEXT' as const, timestamp: sentAt, history: { edits: [], deletedAt: null } };
const at = (ms: number) => sentAt.getTime() + ms;
const codeOf = (f: () => void) => {
  try {
    f();
    return 'OK';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('editing and deleting a sent message', () => {
  it('edits within 15 minutes, deletes for everyone within 60 hours; MESSAGE_TOO_OLD after', () => {
    expect(codeOf(() => checkChange(mine, 'edit', at(EDIT_WINDOW_MS)))).toBe('OK');
    expect(codeOf(() => checkChange(mine, 'edit', at(EDIT_WINDOW_MS + 1)))).toBe('MESSAGE_TOO_OLD');
    expect(codeOf(() => checkChange(mine, 'delete', at(EDIT_WINDOW_MS + 1)))).toBe('OK');
    expect(codeOf(() => checkChange(mine, 'delete', at(REVOKE_WINDOW_MS + 1)))).toBe('MESSAGE_TOO_OLD');
  });

  it("someone else's message is NOT_MESSAGE_AUTHOR; a location or a deleted text is MESSAGE_NOT_EDITABLE", () => {
    expect(codeOf(() => checkChange({ ...mine, fromMe: false }, 'edit', at(0)))).toBe('NOT_MESSAGE_AUTHOR');
    expect(codeOf(() => checkChange({ ...mine, fromMe: false }, 'delete', at(0)))).toBe('NOT_MESSAGE_AUTHOR');
    expect(codeOf(() => checkChange({ ...mine, type: 'LOCATION' }, 'edit', at(0)))).toBe('MESSAGE_NOT_EDITABLE');
    expect(codeOf(() => checkChange({ ...mine, history: { edits: [], deletedAt: sentAt } }, 'edit', at(0)))).toBe('MESSAGE_NOT_EDITABLE');
    expect(codeOf(() => checkChange({ ...mine, type: 'IMAGE' }, 'edit', at(0)))).toBe('OK');
  });
});

describe('vCards', () => {
  it('are built with waid so WhatsApp links the account, and read back to the same numbers', () => {
    const card = buildVcard('Ana; Support', ['+49 151 000111', '4930-1234']);
    expect(card).toContain('FN:Ana\\; Support');
    expect(vcardPhoneNumbers(card)).toEqual(['49151000111', '49301234']);
  });
});
