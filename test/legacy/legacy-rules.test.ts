import { describe, expect, it } from 'vitest';
import { mapDomainError } from '../../src/legacy/errors.ts';
import { mediaKind } from '../../src/legacy/media-input.ts';
import { toInternational } from '../../src/legacy/phone.ts';
import { sortInstances, type InstanceItem } from '../../src/legacy/presenters.ts';
import { DomainError } from '../../src/services/shared/errors.ts';

// The pure rules behind the legacy REST routes (the routes themselves are tested over HTTP).
describe('toInternational', () => {
  it.each([
    ['0812-3456-789', '62', '+628123456789'],
    ['0049 30 1234567', '62', '+49301234567'],
    ['(0)555 0101', '1', '+15550101'],
    ['+62 812 3456 789', '62', '+62 812 3456 789'],
    ['628123456789', '62', '628123456789'],
    ['6281234@s.whatsapp.net', '62', '6281234@s.whatsapp.net'],
  ])('%s in country %s is %s', (input, country, expected) => {
    expect(toInternational(input, country)).toBe(expected);
  });
});

describe('mediaKind', () => {
  it('follows SUDEVWA: an explicit type wins (unknown = document), else the extension', () => {
    expect([mediaKind('a.JPG'), mediaKind('a.mov'), mediaKind('a.opus'), mediaKind('a.pdf'), mediaKind(undefined)]).toEqual(['IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT', 'DOCUMENT']);
    expect([mediaKind('a.jpg', 'video'), mediaKind('a.jpg', 'sticker'), mediaKind('a.pdf', 'Image')]).toEqual(['VIDEO', 'DOCUMENT', 'IMAGE']);
  });
});

describe('sortInstances', () => {
  it('puts circle "one" first, then by circle, used, connected, newest', () => {
    const item = (instanceId: string, circle: string, used: boolean, isConnected: boolean, createdAt: string) => ({ instanceId, circle, used, isConnected, createdAt }) as InstanceItem;
    const sorted = sortInstances([
      item('b-old', 'b', true, false, '2026-01-01T00:00:00Z'),
      item('a-unused', 'a', false, true, '2026-01-03T00:00:00Z'),
      item('one', 'one', false, false, '2026-01-01T00:00:00Z'),
      item('b-new', 'b', true, false, '2026-01-02T00:00:00Z'),
      item('a-used', 'a', true, false, '2026-01-01T00:00:00Z'),
      item('b-online', 'b', true, true, '2026-01-01T00:00:00Z'),
    ]);
    expect(sorted.map((i) => i.instanceId)).toEqual(['one', 'a-used', 'a-unused', 'b-online', 'b-new', 'b-old']);
  });
});

describe('mapDomainError', () => {
  it("words one failure per route family, SUDEVWA's way", () => {
    const missing = new DomainError('INSTANCE_NOT_FOUND', 'instance x not found');
    expect(mapDomainError(missing, 'session')).toEqual({ status: 404, body: { success: false, message: 'Session not found', error: { code: 'SESSION_NOT_FOUND', details: 'Please login first' } } });
    expect(mapDomainError(missing, 'instance').body.error).toEqual({ code: 'INSTANCE_NOT_FOUND', details: 'instance not found' });
    expect(mapDomainError(missing, 'by-number').body.error).toMatchObject({ code: 'NO_ACTIVE_INSTANCE' });
    expect(mapDomainError(new DomainError('FORBIDDEN', 'no'), 'by-number')).toEqual({ status: 403, body: { success: false, message: 'You do not have access to this phone number' } });
    expect(mapDomainError(new DomainError('UNAUTHENTICATED', 'bad'), 'login').body.error).toEqual({ code: 'INVALID_CREDENTIALS' });
    expect(mapDomainError(new DomainError('MEDIA_FETCH_FAILED', 'HTTP 404')).status).toBe(400);
  });
});
