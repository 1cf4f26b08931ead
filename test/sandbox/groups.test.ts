import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group } from '../../src/sandbox/groups.ts';
import type { TestCompanion } from '../helpers/companion.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
const ALICE = '15550900001';
const BOB = '15550900002';
const CAROL = '15550900003';
const DAVE = '15550900004';
let alice: TestCompanion;
let bob: TestCompanion;
let bob2: TestCompanion;
let dave: TestCompanion;
let group: Group;
let pnGroup: Group;

beforeAll(async () => {
  t = await startTestSandbox();
  for (const [phoneNumber, pushName] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol'], [DAVE, 'Dave']] as const) {
    t.sandbox.createPhone({ phoneNumber, pushName });
  }
  // Four pairings at once: give each the time a loaded box needs (the hook itself may take 60 s).
  [alice, bob, bob2, dave] = await Promise.all([t.link(ALICE, 30_000), t.link(BOB, 30_000), t.link(BOB, 30_000), t.link(DAVE, 30_000)]);
  group = t.sandbox.createGroup({ subject: 'Weekend plans', owner: ALICE, participants: [BOB, CAROL], admins: [BOB], description: 'Who brings what' });
  pnGroup = t.sandbox.createGroup({ subject: 'Old style', owner: BOB, participants: [ALICE], addressingMode: 'pn', jidStyle: 'legacy' });
});
afterAll(() => t.stop());

const lidOf = (n: string) => t.sandbox.phone(n).lidJid;
// Baileys sends `{ text }` as an extendedTextMessage; the sandbox's phones send a plain conversation.
const textOf = (m: WAMessage) => m.message?.conversation ?? m.message?.extendedTextMessage?.text;

describe('group metadata', () => {
  it('answers groupMetadata with subject, description, owner, creation and participants by LID and PN', async () => {
    expect(group.jid).toMatch(/^120363\d{12}@g\.us$/);
    const meta = await alice.sock.groupMetadata(group.jid);
    expect(meta).toMatchObject({
      id: group.jid,
      subject: 'Weekend plans',
      desc: 'Who brings what',
      owner: lidOf(ALICE),
      ownerPn: `${ALICE}@s.whatsapp.net`,
      creation: group.creation,
      size: 3,
      addressingMode: 'lid',
    });
    expect(meta.participants).toEqual([
      expect.objectContaining({ id: lidOf(ALICE), phoneNumber: `${ALICE}@s.whatsapp.net`, admin: 'superadmin' }),
      expect.objectContaining({ id: lidOf(BOB), phoneNumber: `${BOB}@s.whatsapp.net`, admin: 'admin' }),
      expect.objectContaining({ id: lidOf(CAROL), phoneNumber: `${CAROL}@s.whatsapp.net`, admin: null }),
    ]);
  });

  it('shows a PN-addressed, old-style group with PN participants', async () => {
    expect(pnGroup.jid).toMatch(new RegExp(`^${BOB}-\\d+@g\\.us$`));
    const meta = await alice.sock.groupMetadata(pnGroup.jid);
    expect(meta).toMatchObject({ id: pnGroup.jid, subject: 'Old style', owner: `${BOB}@s.whatsapp.net`, addressingMode: 'pn', size: 2 });
    expect(meta.participants.map((p) => [p.id, p.lid])).toEqual([
      [`${BOB}@s.whatsapp.net`, lidOf(BOB)],
      [`${ALICE}@s.whatsapp.net`, lidOf(ALICE)],
    ]);
  });

  it('refuses the metadata to a non-member and for an unknown group', async () => {
    await expect(dave.sock.groupMetadata(group.jid)).rejects.toMatchObject({ message: 'forbidden', data: 403 });
    await expect(alice.sock.groupMetadata('120363000000000000@g.us')).rejects.toMatchObject({ message: 'item-not-found', data: 404 });
  });

  it('lists the groups each account participates in', async () => {
    expect(Object.keys(await alice.sock.groupFetchAllParticipating()).sort()).toEqual([group.jid, pnGroup.jid].sort());
    const bobs = await bob2.sock.groupFetchAllParticipating();
    expect(Object.keys(bobs).sort()).toEqual([group.jid, pnGroup.jid].sort());
    expect(bobs[group.jid]).toMatchObject({ subject: 'Weekend plans', size: 3 });
    expect(await dave.sock.groupFetchAllParticipating()).toEqual({});
  });

  it("tells the members' companions about a new group as it is created", async () => {
    const [atAlice, atDave] = [alice, dave].map((c) => c.next('groups.upsert', (gs) => gs.some((g) => g.subject === 'Announced')));
    const announced = t.sandbox.createGroup({ subject: 'Announced', owner: DAVE, participants: [ALICE] });
    for (const pending of [atAlice, atDave]) {
      expect((await pending!).find((g) => g.subject === 'Announced')).toMatchObject({ id: announced.jid, owner: lidOf(DAVE), size: 2 });
    }
  });
});

describe('companion -> group', () => {
  it('reaches every member phone and the other companions, again without a new sender key', async () => {
    for (const text of ['first to the group', 'second, same sender key']) {
      const atBob = bob.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text));
      const atBob2 = bob2.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text));
      const sent = await alice.sock.sendMessage(group.jid, { text });
      const id = sent!.key.id!;
      for (const phone of [BOB, CAROL]) {
        const got = await t.sandbox.waitForMessage(phone, (m) => m.id === id);
        expect(got).toMatchObject({ from: ALICE, type: 'text', text, group: group.jid, participant: lidOf(ALICE) });
      }
      const upsert = (await atBob).messages.find((m) => m.key.id === id)!;
      expect(upsert.key).toMatchObject({ remoteJid: group.jid, fromMe: false });
      expect(upsert.key.participant).toMatch(new RegExp(`^${t.sandbox.phone(ALICE).lid}(:\\d+)?@lid$`));
      expect((await atBob2).messages.some((m) => m.key.id === id)).toBe(true);
    }
    expect(t.sandbox.messages(DAVE)).toEqual([]);
    expect(t.sandbox.net.decryptFailures).toBe(0);
  });

  it('sends media byte-exact to each member phone', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(30_000)]);
    const sent = await alice.sock.sendMessage(group.jid, { image: bytes, caption: 'the beach', mimetype: 'image/jpeg' });
    for (const phone of [BOB, CAROL]) {
      const got = await t.sandbox.waitForMessage(phone, (m) => m.id === sent!.key.id);
      expect(got).toMatchObject({ type: 'image', caption: 'the beach', group: group.jid });
      expect((await t.sandbox.downloadMedia(phone, got.id)).bytes.equals(bytes)).toBe(true);
    }
  });

  it('works in a PN-addressed group', async () => {
    const sent = await alice.sock.sendMessage(pnGroup.jid, { text: 'in the old group' });
    const got = await t.sandbox.waitForMessage(BOB, (m) => m.id === sent!.key.id);
    expect(got).toMatchObject({ text: 'in the old group', group: pnGroup.jid, participant: `${ALICE}@s.whatsapp.net` });
  });
});

describe('phone -> group', () => {
  it('reaches the linked companions of the other members, first with and then without a sender key', async () => {
    for (const text of ['Carol here', 'Carol again']) {
      const atAlice = alice.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text));
      const atBob = bob.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === text));
      const id = await t.sandbox.sendText(CAROL, group.jid, text);
      const upsert = (await atAlice).messages.find((m) => m.key.id === id)!;
      expect(upsert.key).toMatchObject({ remoteJid: group.jid, participant: lidOf(CAROL), fromMe: false });
      expect(upsert.pushName).toBe('Carol');
      await atBob;
      expect(await t.sandbox.waitForMessage(ALICE, (m) => m.id === id)).toMatchObject({ group: group.jid, text, from: CAROL });
    }
  });

  it('sends media that the companions download byte-exact', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20_000)]);
    const atAlice = alice.next('messages.upsert', (u) => u.messages.some((m) => !!m.message?.documentMessage));
    const id = await t.sandbox.sendMedia(CAROL, group.jid, { kind: 'document', base64: bytes.toString('base64'), mimeType: 'application/pdf', fileName: 'menu.pdf' });
    const msg = (await atAlice).messages.find((m) => m.key.id === id)!;
    expect(msg.key.remoteJid).toBe(group.jid);
    expect(msg.message?.documentMessage?.fileName).toBe('menu.pdf');
    expect((await downloadMediaMessage(msg, 'buffer', {})).equals(bytes)).toBe(true);
  });

  it('refuses a phone that is not a member', async () => {
    await expect(Promise.resolve().then(() => t.sandbox.sendText(DAVE, group.jid, 'let me in'))).rejects.toMatchObject({ code: 'NOT_A_PARTICIPANT' });
  });
});

describe('control API', () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.sandbox.info.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('creates and lists groups, sends from a phone and shows group messages', async () => {
    const created = await call('POST', '/groups', { subject: 'Over HTTP', owner: DAVE, participants: [ALICE] });
    expect(created.status).toBe(201);
    const { jid } = created.body as { jid: string };
    const listed = (await call('GET', '/groups')).body as { jid: string }[];
    expect(listed.find((g) => g.jid === jid)).toEqual({
      jid, subject: 'Over HTTP', description: null, owner: DAVE, creation: expect.any(Number), addressingMode: 'lid', announce: false, locked: false, inviteCode: null, picture: null,
      participants: [
        { phoneNumber: DAVE, jid: `${DAVE}@s.whatsapp.net`, lid: lidOf(DAVE), role: 'superadmin' },
        { phoneNumber: ALICE, jid: `${ALICE}@s.whatsapp.net`, lid: lidOf(ALICE), role: null },
      ],
    });
    const atDave = dave.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'over http'));
    const sent = await call('POST', `/phones/${ALICE}/messages`, { to: jid, text: 'over http' });
    expect(sent.status).toBe(201);
    await atDave;
    const messages = (await call('GET', `/phones/${DAVE}/messages`)).body as Record<string, unknown>[];
    expect(messages.find((m) => m.id === sent.body.id)).toMatchObject({ from: ALICE, text: 'over http', group: jid, participant: lidOf(ALICE) });

    expect((await call('POST', '/groups', { subject: 'x', owner: '15559999999', participants: [] })).status).toBe(404);
    expect((await call('POST', '/groups', { owner: ALICE, participants: [] })).body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('persistence', () => {
  it('a restarted sandbox keeps its groups and the sender keys its phones took in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wamux-groups-'));
    try {
      const first = await startTestSandbox({ dataDir: dir });
      first.sandbox.createPhone({ phoneNumber: '15550909001' });
      first.sandbox.createPhone({ phoneNumber: '15550909002' });
      const c = await first.link('15550909001');
      const g = first.sandbox.createGroup({ subject: 'Kept', owner: '15550909001', participants: ['15550909002'] });
      const one = await c.sock.sendMessage(g.jid, { text: 'before' });
      await first.sandbox.waitForMessage('15550909002', (m) => m.id === one!.key.id);
      c.end();
      await first.stop();

      const second = await startTestSandbox({ dataDir: dir });
      expect(second.sandbox.groups().map((x) => x.jid)).toEqual([g.jid]);
      const again = second.companion(c.auth);
      await again.waitForOpen();
      // Baileys remembers the phone has its sender key: no new SKDM, so the phone must have kept it.
      const two = await again.sock.sendMessage(g.jid, { text: 'after' });
      expect(await second.sandbox.waitForMessage('15550909002', (m) => m.id === two!.key.id)).toMatchObject({ text: 'after', group: g.jid });
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the sender's own other devices", () => {
  it('see what a sibling companion and what their phone wrote in the group, as fromMe', async () => {
    const sibling = await t.link(BOB);
    try {
      const fromBob = sibling.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'bob via companion'));
      const sent = await bob.sock.sendMessage(group.jid, { text: 'bob via companion' });
      const copy = (await fromBob).messages.find((m) => m.key.id === sent!.key.id)!;
      expect(copy.key).toMatchObject({ remoteJid: group.jid, fromMe: true });

      const fromPhone = sibling.next('messages.upsert', (u) => u.messages.some((m) => textOf(m) === 'bob on his phone'));
      const id = await t.sandbox.sendText(BOB, group.jid, 'bob on his phone');
      expect((await fromPhone).messages.find((m) => m.key.id === id)!.key).toMatchObject({ remoteJid: group.jid, fromMe: true });
      await t.sandbox.waitForMessage(ALICE, (m) => m.id === id && m.group === group.jid);
      expect(t.sandbox.messages(BOB).some((m) => m.id === id || m.id === sent!.key.id)).toBe(false);
      expect(t.sandbox.net.decryptFailures).toBe(0);
    } finally {
      sibling.end();
    }
  });
});
