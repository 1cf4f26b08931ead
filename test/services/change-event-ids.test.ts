import { proto, WAMessageStubType, type WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src/db/message.repository.ts';
import { groupEventOf } from '../../src/services/groups/group-events.ts';
import type { IncomingChange, StoredMessage } from '../../src/services/messaging/index.ts';
import { applyChange } from '../../src/services/messaging/message-changes.ts';
import { toWebhookEvent } from '../../src/services/webhooks/webhook-events.ts';

// The same change delivered again (WhatsApp redelivers what was not acked, e.g. across a crash) is
// the same webhook event id, so the outbox keeps one; a new change, even with the same content, is
// a new id. The end-to-end side (each event fresh) is test/gateway/change-events.test.ts.
const GROUP = '120363000000000042@g.us';

/** A `w:gp2` notification as Baileys turns it into a stub message (messages-recv.js, handleNotification). */
const stub = (id: string, type: number, params: string[]): WAMessage =>
  proto.WebMessageInfo.fromObject({
    key: { remoteJid: GROUP, fromMe: false, participant: '111111111111111@lid', id },
    messageStubType: type,
    messageStubParameters: params,
    messageTimestamp: 1_796_000_000,
  }) as WAMessage;

describe('group events from notifications', () => {
  it('carry the notification id, author and what changed', () => {
    expect(groupEventOf('i1', stub('N1', WAMessageStubType.GROUP_CHANGE_SUBJECT, ['One']))).toMatchObject({
      groupJid: GROUP,
      type: 'SUBJECT_CHANGED',
      subject: 'One',
      notificationId: 'N1',
      // The stub keeps no `participantAlt`: the author's number is looked up when the event is published.
      author: { jid: '111111111111111@lid', lid: '111111111111111@lid', phoneNumber: null },
      at: new Date(1_796_000_000_000),
    });
    const promoted = groupEventOf('i1', stub('N2', WAMessageStubType.GROUP_PARTICIPANT_PROMOTE, [JSON.stringify({ id: '222@lid', phoneNumber: '15550000002@s.whatsapp.net', admin: null }), 'not json']));
    expect(promoted).toMatchObject({ type: 'PARTICIPANTS_PROMOTED', participants: [{ jid: '222@lid', lid: '222@lid', phoneNumber: '15550000002' }] });
    expect(groupEventOf('i1', stub('N3', WAMessageStubType.GROUP_CHANGE_RESTRICT, ['on']))).toMatchObject({ type: 'SETTINGS_CHANGED', locked: true, announce: null });
    expect(groupEventOf('i1', proto.WebMessageInfo.fromObject({ key: { remoteJid: GROUP, id: 'M1' }, message: { conversation: 'hi' } }) as WAMessage)).toBeUndefined();
  });

  it('one notification is one webhook event id, delivered twice or not; another with the same content is another', () => {
    const idOf = (notification: string) => toWebhookEvent('GROUP_UPDATED', groupEventOf('i1', stub(notification, WAMessageStubType.GROUP_CHANGE_SUBJECT, ['One']))!)!.id;
    expect(idOf('N1')).toBe(idOf('N1'));
    expect(idOf('N1')).not.toBe(idOf('N4'));
  });
});

describe('changes to stored messages', () => {
  const message = { id: 'TARGET', instanceId: 'i1', history: { edits: [], deletedAt: null } } as unknown as StoredMessage;

  it("reactions and votes: the event id is the reaction's or vote's own message id", () => {
    const idOf = (causeId: string) => toWebhookEvent('MESSAGE_UPDATED', { kind: 'UPDATED', message, causeId })!.id;
    expect(idOf('VOTE-1')).toBe(idOf('VOTE-1'));
    expect(idOf('VOTE-1')).not.toBe(idOf('VOTE-2'));
    expect(toWebhookEvent('MESSAGE_UPDATED', { kind: 'EDITED', message, causeId: 'E1' })).toBeNull();
  });

  it('an edit or a revoke delivered again is not applied again (no second history entry, no second event)', () => {
    const row = {
      seq: 1, instanceId: 'i1', waId: 'TARGET', direction: 'INBOUND', fromMe: false, chatJid: '15550000001@s.whatsapp.net',
      senderJid: '15550000001@s.whatsapp.net', senderLid: null, senderPhone: '15550000001', kind: 'TEXT', content: { text: 'typo hre' },
    } as unknown as MessageRecord;
    const sender = { jid: '15550000001@s.whatsapp.net', lid: null, phoneNumber: '15550000001', pushName: null };
    const change = (id: string, c: IncomingChange['change']): IncomingChange => ({ instanceId: 'i1', id, chatJid: row.chatJid, sender, fromMe: false, selfJids: [], change: c });
    const edit = change('E1', { kind: 'edit', targetId: 'TARGET', text: 'typo here', at: new Date(1_796_000_000_000) });
    const once = applyChange(row, edit);
    if (!('content' in once)) throw new Error(once.skipped);
    expect(once).toMatchObject({ event: 'EDITED', content: { text: 'typo here', edits: [{ text: 'typo hre', id: 'E1' }] } });
    const edited = { ...row, content: once.content };
    expect(applyChange(edited, edit)).toEqual({ skipped: expect.stringMatching(/applied already/) });
    expect(applyChange(edited, change('E2', { kind: 'edit', targetId: 'TARGET', text: 'typo here!', at: new Date() }))).toMatchObject({ event: 'EDITED' });
    const revoke = change('R1', { kind: 'revoke', targetId: 'TARGET', at: new Date() });
    const deleted = applyChange(edited, revoke);
    if (!('content' in deleted)) throw new Error(deleted.skipped);
    expect(applyChange({ ...row, content: deleted.content }, revoke)).toEqual({ skipped: expect.stringMatching(/deleted already/) });
  });
});
