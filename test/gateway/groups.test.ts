import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateGroupDocument,
  CreateWebhookDocument,
  GroupDocument,
  GroupEventsDocument,
  GroupInviteLinkDocument,
  GroupsDocument,
  JoinGroupDocument,
  LeaveGroupDocument,
  RevokeGroupInviteLinkDocument,
  UpdateGroupDocument,
  UpdateGroupParticipantsDocument,
  type GroupEventsSubscription,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import type { Subscription } from '../helpers/graphql-client.ts';
import { WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.ts';

// Groups over GraphQL end to end: real Baileys in the gateway sends WhatsApp's group iqs to the
// sandbox, which changes the group and notifies every member device (`w:gp2`); the member phones
// record what they were told, and the gateway turns the notifications into events and webhooks.
const OWNER = '15550610001';
const ALICE = '15550610002';
const BOB = '15550610003';
const CAROL = '15550610004';
const DAVE = '15550610005';
const NOBODY = '15550610099';

let gw: TestGateway;
let id: string;
let daveId: string;
let events: Subscription<GroupEventsSubscription>;
let hooks: WebhookReceiver;
let jid: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20' } });
  for (const [phone, name] of [[OWNER, 'Owner'], [ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol'], [DAVE, 'Dave']] as const) await gw.sandbox.createPhone(phone, name);
  [id, daveId] = await Promise.all([gw.linkInstance('groups-owner', OWNER), gw.linkInstance('groups-dave', DAVE)]);
  events = await gw.ws.subscribe(GroupEventsDocument, { instanceId: id });
  hooks = await WebhookReceiver.start();
  await gw.http.ok(CreateWebhookDocument, { input: { instanceId: id, url: hooks.url, events: ['GROUP_PARTICIPANTS_UPDATED', 'GROUP_UPDATED'] } });
});
afterAll(async () => {
  events?.close();
  await gw?.close();
  await hooks?.close();
});

type GroupEvent = GroupEventsSubscription['groupEvents'];
const event = (match: (e: GroupEvent) => boolean, what: string) => events.next((d) => d.groupEvents.groupJid === jid && match(d.groupEvents), undefined, what);
const hook = (type: string, match: (data: Record<string, unknown>) => boolean) =>
  hooks.waitFor((h: ReceivedHook) => {
    const body = h.json as unknown as { type: string; data: Record<string, unknown> };
    return body.type === type && body.data.groupJid === jid && match(body.data);
  });
const numbers = (list: Array<{ phoneNumber?: string | null }>) => list.map((p) => p.phoneNumber).sort();

describe('creating and reading groups', () => {
  it('creates a group with three phones; numbers not on WhatsApp are reported, the phones are told', async () => {
    const { createGroup } = await gw.http.ok(CreateGroupDocument, {
      input: { instanceId: id, subject: 'Support team', participants: [ALICE, `+${BOB}`, `${CAROL}@s.whatsapp.net`, NOBODY], description: 'Shifts and handovers' },
    });
    jid = createGroup.group.jid;
    expect(jid).toMatch(/@g\.us$/);
    expect(createGroup.participants.map((p) => [p.input, p.outcome])).toEqual([
      [ALICE, 'OK'], [`+${BOB}`, 'OK'], [`${CAROL}@s.whatsapp.net`, 'OK'], [NOBODY, 'NOT_ON_WHATSAPP'],
    ]);
    expect(createGroup.group).toMatchObject({ subject: 'Support team', description: 'Shifts and handovers', size: 4, addressingMode: 'LID', ownerPhoneNumber: OWNER });
    const owner = createGroup.group.participants.find((p) => p.phoneNumber === OWNER)!;
    expect(owner).toMatchObject({ role: 'SUPERADMIN', lid: expect.stringMatching(/@lid$/), jid: owner.lid });
    for (const phone of [ALICE, BOB, CAROL]) {
      expect(await gw.sandbox.waitForGroupEvent(phone, (e) => e.group === jid && e.action === 'create')).toMatchObject({ by: OWNER, subject: 'Support team' });
    }
    expect((await event((e) => e.type === 'JOINED', 'JOINED')).groupEvents.subject).toBe('Support team');
  });

  it('lists the groups and reads one with its members (jid, LID, phone number, role)', async () => {
    const { groups } = await gw.http.ok(GroupsDocument, { instanceId: id });
    expect(groups.map((g) => g.jid)).toContain(jid);
    const { group } = await gw.http.ok(GroupDocument, { instanceId: id, jid });
    expect(numbers(group.participants)).toEqual([OWNER, ALICE, BOB, CAROL].sort());
    const sandboxGroup = (await gw.sandbox.groups()).find((g) => g.jid === jid)!;
    for (const p of sandboxGroup.participants) {
      expect(group.participants).toContainEqual({ jid: p.lid, lid: p.lid, phoneNumber: p.phoneNumber, role: p.role === 'superadmin' ? 'SUPERADMIN' : 'MEMBER' });
    }
  });
});

describe('changing a group', () => {
  it('a phone is added, promoted and removed: each member phone sees it, the gateway emits each event and webhook', async () => {
    const steps = [
      { action: 'REMOVE' as const, sandbox: 'remove', type: 'PARTICIPANTS_REMOVED', hook: 'GROUP_PARTICIPANTS_UPDATED', target: CAROL },
      { action: 'ADD' as const, sandbox: 'add', type: 'PARTICIPANTS_ADDED', hook: 'GROUP_PARTICIPANTS_UPDATED', target: CAROL },
      { action: 'PROMOTE' as const, sandbox: 'promote', type: 'PARTICIPANTS_PROMOTED', hook: 'GROUP_PARTICIPANTS_UPDATED', target: CAROL },
      { action: 'DEMOTE' as const, sandbox: 'demote', type: 'PARTICIPANTS_DEMOTED', hook: 'GROUP_PARTICIPANTS_UPDATED', target: CAROL },
    ];
    for (const step of steps) {
      const { updateGroupParticipants } = await gw.http.ok(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: step.action, participants: [step.target] } });
      expect(updateGroupParticipants).toEqual([expect.objectContaining({ input: step.target, outcome: 'OK', code: 200 })]);
      const seen = await event((e) => e.type === step.type, step.type);
      expect(seen.groupEvents).toMatchObject({ author: { phoneNumber: OWNER }, participants: [{ phoneNumber: step.target }] });
      await hook(step.hook, (d) => d.type === step.type);
      // Everyone in the group afterwards (and whoever was removed) was told.
      for (const phone of [ALICE, BOB, CAROL]) await gw.sandbox.waitForGroupEvent(phone, (e) => e.group === jid && e.action === step.sandbox && e.timestamp > 0);
    }
    const { group } = await gw.http.ok(GroupDocument, { instanceId: id, jid });
    expect(group.participants.find((p) => p.phoneNumber === CAROL)?.role).toBe('MEMBER');
  });

  it('answers per participant: already a member, not a member, not on WhatsApp', async () => {
    const add = await gw.http.ok(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: 'ADD', participants: [ALICE, NOBODY] } });
    expect(add.updateGroupParticipants.map((r) => r.outcome)).toEqual(['ALREADY_MEMBER', 'NOT_ON_WHATSAPP']);
    const promote = await gw.http.ok(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: 'PROMOTE', participants: [DAVE, BOB] } });
    expect(promote.updateGroupParticipants.map((r) => r.outcome)).toEqual(['NOT_A_MEMBER', 'OK']);
    await gw.http.ok(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: 'DEMOTE', participants: [BOB] } });
  });

  it('subject, description and settings: the phones see each change, the gateway emits each', async () => {
    const { updateGroup } = await gw.http.ok(UpdateGroupDocument, { input: { instanceId: id, jid, subject: 'Support (EU)', description: 'Rota in the pinned note', announce: true, locked: true } });
    expect(updateGroup).toMatchObject({ subject: 'Support (EU)', description: 'Rota in the pinned note', announce: true, locked: true });
    expect((await event((e) => e.type === 'SUBJECT_CHANGED', 'SUBJECT_CHANGED')).groupEvents).toMatchObject({ subject: 'Support (EU)', author: { phoneNumber: OWNER } });
    expect((await event((e) => e.type === 'DESCRIPTION_CHANGED', 'DESCRIPTION_CHANGED')).groupEvents.description).toBe('Rota in the pinned note');
    await event((e) => e.type === 'SETTINGS_CHANGED' && e.announce === true, 'announce on');
    await event((e) => e.type === 'SETTINGS_CHANGED' && e.locked === true, 'locked on');
    await hook('GROUP_UPDATED', (d) => d.type === 'SUBJECT_CHANGED' && d.subject === 'Support (EU)');
    await hook('GROUP_UPDATED', (d) => d.type === 'SETTINGS_CHANGED' && d.locked === true);
    for (const phone of [ALICE, BOB, CAROL]) {
      await gw.sandbox.waitForGroupEvent(phone, (e) => e.group === jid && e.action === 'subject' && e.subject === 'Support (EU)');
      await gw.sandbox.waitForGroupEvent(phone, (e) => e.group === jid && e.action === 'locked');
    }
    expect((await gw.sandbox.groups()).find((g) => g.jid === jid)).toMatchObject({ subject: 'Support (EU)', announce: true, locked: true });
  });

  it("a member phone's change reaches the gateway as an event with that member as author", async () => {
    await gw.http.ok(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: 'PROMOTE', participants: [ALICE] } });
    await gw.sandbox.changeGroup(jid, ALICE, { subject: 'Renamed by Alice' });
    const seen = await event((e) => e.type === 'SUBJECT_CHANGED' && e.subject === 'Renamed by Alice', 'subject from a phone');
    expect(seen.groupEvents.author).toMatchObject({ phoneNumber: ALICE, lid: expect.stringMatching(/@lid$/) });
    expect((await gw.http.ok(GroupDocument, { instanceId: id, jid })).group.subject).toBe('Renamed by Alice');
  });
});

describe('invite links', () => {
  it('another instance joins with the link; the old link stops working once revoked', async () => {
    const { groupInviteLink } = await gw.http.ok(GroupInviteLinkDocument, { instanceId: id, jid });
    expect(groupInviteLink.url).toBe(`https://chat.whatsapp.com/${groupInviteLink.code}`);
    const { joinGroup } = await gw.http.ok(JoinGroupDocument, { instanceId: daveId, inviteCode: groupInviteLink.url });
    expect(joinGroup.jid).toBe(jid);
    expect(numbers(joinGroup.participants)).toContain(DAVE);
    expect((await event((e) => e.type === 'PARTICIPANTS_ADDED' && e.participants.some((p) => p.phoneNumber === DAVE), 'DAVE joined')).groupEvents.author?.phoneNumber).toBe(DAVE);
    await gw.sandbox.waitForGroupEvent(ALICE, (e) => e.group === jid && e.action === 'add' && e.by === DAVE);

    const again = await gw.http.fail(JoinGroupDocument, { instanceId: daveId, inviteCode: groupInviteLink.code });
    expect(again.extensions?.code).toBe('INVALID_STATE');
    const { revokeGroupInviteLink } = await gw.http.ok(RevokeGroupInviteLinkDocument, { instanceId: id, jid });
    expect(revokeGroupInviteLink.code).not.toBe(groupInviteLink.code);
    await event((e) => e.type === 'INVITE_LINK_CHANGED', 'INVITE_LINK_CHANGED');
    await gw.http.ok(LeaveGroupDocument, { instanceId: daveId, jid });
    const left = await event((e) => e.type === 'PARTICIPANTS_REMOVED' && e.participants.some((p) => p.phoneNumber === DAVE), 'DAVE left');
    expect(left.groupEvents.author?.phoneNumber).toBe(DAVE);
    const revoked = await gw.http.fail(JoinGroupDocument, { instanceId: daveId, inviteCode: groupInviteLink.code });
    expect(revoked.extensions?.code).toBe('INVITE_CODE_INVALID');
  });
});

describe('bad input', () => {
  it('answers each mutation and query with a clear code, never INTERNAL_SERVER_ERROR', async () => {
    const code = async (p: Promise<{ extensions?: Record<string, unknown> }>) => (await p).extensions?.code;
    const unknownGroup = '120363999999999999@g.us';
    expect(await code(gw.http.fail(CreateGroupDocument, { input: { instanceId: id, subject: '  ', participants: [ALICE] } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(CreateGroupDocument, { input: { instanceId: id, subject: 'x'.repeat(101), participants: [ALICE] } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(CreateGroupDocument, { input: { instanceId: id, subject: 'ok', participants: ['not a number'] } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(CreateGroupDocument, { input: { instanceId: id, subject: 'ok', participants: [] } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(GroupDocument, { instanceId: id, jid: 'not-a-group' }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(GroupDocument, { instanceId: id, jid: unknownGroup }))).toBe('GROUP_NOT_FOUND');
    expect(await code(gw.http.fail(UpdateGroupDocument, { input: { instanceId: id, jid } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(UpdateGroupDocument, { input: { instanceId: id, jid: unknownGroup, subject: 'x' } }))).toBe('GROUP_NOT_FOUND');
    expect(await code(gw.http.fail(UpdateGroupParticipantsDocument, { input: { instanceId: id, jid, action: 'ADD', participants: ['abc'] } }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(JoinGroupDocument, { instanceId: id, inviteCode: 'no spaces allowed' }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(JoinGroupDocument, { instanceId: id, inviteCode: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('INVITE_CODE_INVALID');
    expect(await code(gw.http.fail(LeaveGroupDocument, { instanceId: daveId, jid }))).toBe('GROUP_NOT_FOUND');
    expect(await code(gw.http.fail(GroupsDocument, { instanceId: '00000000-0000-4000-8000-000000000000' }))).toBe('INSTANCE_NOT_FOUND');

    // A member that is not an admin may not change members, settings or the invite link.
    const { group } = await gw.http.ok(GroupDocument, { instanceId: id, jid });
    await gw.sandbox.changeGroup(jid, OWNER, { action: 'add', participants: [DAVE] });
    await gw.sandbox.waitForGroupEvent(DAVE, (e) => e.group === jid && e.action === 'add' && e.timestamp > 0);
    expect(group.locked).toBe(true);
    expect(await code(gw.http.fail(UpdateGroupParticipantsDocument, { input: { instanceId: daveId, jid, action: 'REMOVE', participants: [ALICE] } }))).toBe('NOT_GROUP_ADMIN');
    expect(await code(gw.http.fail(UpdateGroupDocument, { input: { instanceId: daveId, jid, subject: 'mine now' } }))).toBe('NOT_GROUP_ADMIN');
    expect(await code(gw.http.fail(GroupInviteLinkDocument, { instanceId: daveId, jid }))).toBe('NOT_GROUP_ADMIN');
  });
});
