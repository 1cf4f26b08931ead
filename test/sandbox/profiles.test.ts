import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateProfile, setBlocked } from '../../src/sandbox/profiles.ts';
import type { TestCompanion } from '../helpers/companion.ts';
import { decodablePng, mediaSamples } from '../helpers/media-samples.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';

// Profiles and block lists as real Baileys asks for them (chats.js): `w:profile:picture`, the usync
// `status` protocol, `xmlns=status`, `xmlns=blocklist`, and the notifications WhatsApp sends.
let t: Awaited<ReturnType<typeof startTestSandbox>>;
const ALICE = '15550910001';
const BOB = '15550910002';
const CAROL = '15550910003';
let alice: TestCompanion;
let carol: TestCompanion;
const jid = (n: string) => `${n}@s.whatsapp.net`;

beforeAll(async () => {
  t = await startTestSandbox();
  for (const [phoneNumber, pushName] of [[ALICE, 'Alice'], [BOB, 'Bob'], [CAROL, 'Carol']] as const) t.sandbox.createPhone({ phoneNumber, pushName });
  [alice, carol] = await Promise.all([t.link(ALICE, 30_000), t.link(CAROL, 30_000)]);
});
afterAll(() => t.stop());

const boomCode = async (p: Promise<unknown>) => {
  const err = (await p.then(() => undefined, (e: unknown) => e)) as { data?: unknown } | undefined;
  return err?.data;
};

describe('profile pictures', () => {
  it("reads a contact's picture URL; 404 until there is one", async () => {
    expect(await boomCode(alice.sock.profilePictureUrl(jid(BOB), 'image'))).toBe(404);
    await updateProfile(t.sandbox.net, t.sandbox.phone(BOB), { pictureBase64: mediaSamples.IMAGE().bytes.toString('base64') });
    const url = await alice.sock.profilePictureUrl(jid(BOB), 'preview');
    expect(url).toBe(t.sandbox.phone(BOB).picture!.url);
    expect(await alice.sock.profilePictureUrl(t.sandbox.phone(BOB).lidJid, 'image')).toBe(url);
  });

  it("sets the account's own picture as the JPEG Baileys makes; the phone has it, a contact is notified", async () => {
    // Carol and Alice have talked, so Carol's companion hears of Alice's new picture.
    await t.sandbox.sendText(CAROL, ALICE, 'hi');
    const notified = carol.next('contacts.update', (u) => u.some((c) => c.id === jid(ALICE) && c.imgUrl === 'changed'));
    await alice.sock.updateProfilePicture(alice.sock.user!.id, decodablePng());
    const picture = t.sandbox.phone(ALICE).picture!;
    expect(picture.url).toMatch(/^https:\/\//);
    const bytes = await t.sandbox.net.files!.fetch(picture.directPath);
    expect([...bytes!.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    await notified;
    expect(await alice.sock.profilePictureUrl(jid(ALICE), 'image')).toBe(picture.url);
    await alice.sock.removeProfilePicture(alice.sock.user!.id);
    expect(t.sandbox.phone(ALICE).picture).toBeUndefined();
  });

  it("refuses to set another user's picture", async () => {
    expect(await boomCode(alice.sock.updateProfilePicture(jid(BOB), decodablePng()))).toBe(403);
  });
});

describe('group icons', () => {
  it('a member sets the icon: every member reads it and is notified; locked groups want an admin; outsiders see none', async () => {
    const group = t.sandbox.createGroup({ subject: 'Icons', owner: ALICE, participants: [BOB, CAROL] });
    const notified = carol.next('contacts.update', (u) => u.some((c) => c.id === group.jid && c.imgUrl === 'changed'));
    await alice.sock.updateProfilePicture(group.jid, decodablePng());
    await notified;
    const url = t.sandbox.group(group.jid).picture!.url;
    expect(await carol.sock.profilePictureUrl(group.jid, 'image')).toBe(url);
    expect(t.sandbox.groupEvents(BOB).find((e) => e.group === group.jid && e.action === 'picture')).toMatchObject({ by: ALICE });

    group.locked = true;
    expect(await boomCode(carol.sock.updateProfilePicture(group.jid, decodablePng()))).toBe(401);
    const other = t.sandbox.createGroup({ subject: 'Elsewhere', owner: ALICE, participants: [BOB] });
    await alice.sock.updateProfilePicture(other.jid, decodablePng());
    expect(await boomCode(carol.sock.profilePictureUrl(other.jid, 'image'))).toBe(401);
    await alice.sock.removeProfilePicture(group.jid);
    expect(await boomCode(carol.sock.profilePictureUrl(group.jid, 'image'))).toBe(404);
  });
});

describe('about', () => {
  it("fetches a contact's about and sets the account's own", async () => {
    expect((await alice.sock.fetchStatus(jid(BOB)))?.[0]).toMatchObject({ id: jid(BOB), status: { status: null } });
    await updateProfile(t.sandbox.net, t.sandbox.phone(BOB), { about: 'At the desk 9-5' });
    const [bob] = (await alice.sock.fetchStatus(jid(BOB))) as unknown as Array<{ status: { status: string; setAt: Date } }>;
    expect(bob!.status.status).toBe('At the desk 9-5');
    expect(bob!.status.setAt.getTime()).toBe(t.sandbox.phone(BOB).about!.setAt * 1000);
    await alice.sock.updateProfileStatus('Support desk');
    expect(t.sandbox.phone(ALICE).about?.text).toBe('Support desk');
  });
});

describe('push name', () => {
  it('updateProfileName goes up as an app-state patch with the shared key; contacts see the new name on messages', async () => {
    expect(alice.auth.creds.myAppStateKeyId).toBe(t.sandbox.phone(ALICE).appStateKey!.keyId.toString('base64'));
    await alice.sock.updateProfileName('Alice at Support');
    expect(t.sandbox.phone(ALICE).pushName).toBe('Alice at Support');
    const seen = carol.next('messages.upsert', (u) => u.messages.some((m) => m.message?.extendedTextMessage?.text === 'new name'));
    await alice.sock.sendMessage(jid(CAROL), { text: 'new name' });
    expect((await seen).messages[0]!.pushName).toBe('Alice at Support');
  });
});

describe('block lists', () => {
  it('blocks and unblocks: the list answers what was stored, the blocked phone cannot reach the account', async () => {
    const seen: string[] = [];
    const collect = (u: { messages: Array<{ key: { id?: string | null } }> }) => seen.push(...u.messages.map((m) => m.key.id!));
    alice.sock.ev.on('messages.upsert', collect);
    await alice.sock.updateBlockStatus(jid(BOB), 'block');
    expect(t.sandbox.phone(ALICE).blocked.has(BOB)).toBe(true);
    expect(await alice.sock.fetchBlocklist()).toEqual([t.sandbox.phone(BOB).lidJid]);
    const dropped = await t.sandbox.sendText(BOB, ALICE, 'you will not see this');
    await alice.sock.updateBlockStatus(jid(BOB), 'unblock');
    expect(await alice.sock.fetchBlocklist()).toEqual([]);
    const arrived = alice.next('messages.upsert', (u) => u.messages.some((m) => m.message?.conversation === 'after unblocking'));
    const after = await t.sandbox.sendText(BOB, ALICE, 'after unblocking');
    // Stanzas to one companion arrive in order: had the first been delivered, it would have come first.
    await arrived;
    alice.sock.ev.off('messages.upsert', collect);
    expect(seen).toContain(after);
    expect(seen).not.toContain(dropped);
    expect(t.sandbox.phone(ALICE).inbox.some((m) => m.id === dropped)).toBe(false);
  });

  it("a contact who blocked the account hides its picture and about; the account's sends reach only its own devices", async () => {
    setBlocked(t.sandbox.net, t.sandbox.phone(BOB), t.sandbox.phone(ALICE), true);
    expect(await boomCode(alice.sock.profilePictureUrl(jid(BOB), 'image'))).toBe(401);
    expect((await alice.sock.fetchStatus(jid(BOB)))?.[0]).toMatchObject({ status: { status: '' } });
    const sent = `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
    // The server ack (one tick) comes back even so; the unblock below must not overtake the routing.
    const acked = new Promise<void>((resolve) => {
      const onAck = (node: { attrs: { id?: string } }) => {
        if (node.attrs.id !== sent) return;
        alice.sock.ws.off('CB:ack,class:message', onAck);
        resolve();
      };
      alice.sock.ws.on('CB:ack,class:message', onAck);
    });
    await alice.sock.sendMessage(jid(BOB), { text: 'into the void' }, { messageId: sent });
    await acked;
    setBlocked(t.sandbox.net, t.sandbox.phone(BOB), t.sandbox.phone(ALICE), false);
    await alice.sock.sendMessage(jid(BOB), { text: 'heard' });
    await t.sandbox.waitForMessage(BOB, (m) => m.text === 'heard');
    expect(t.sandbox.messages(BOB).map((m) => m.id)).not.toContain(sent);
  });

  it('a blocked phone\'s typing and online status do not reach the account', async () => {
    await alice.sock.presenceSubscribe(jid(BOB));
    await expect.poll(() => [...t.sandbox.phone(ALICE).companions.values()].some((c) => c.presenceSubscriptions.has(BOB))).toBe(true);
    const seen: string[] = [];
    const collect = (u: { presences: Record<string, { lastKnownPresence: string }> }) => seen.push(...Object.values(u.presences).map((p) => p.lastKnownPresence));
    alice.sock.ev.on('presence.update', collect);
    setBlocked(t.sandbox.net, t.sandbox.phone(ALICE), t.sandbox.phone(BOB), true);
    t.sandbox.sendPresence(BOB, 'recording', ALICE);
    t.sandbox.sendPresence(BOB, 'unavailable');
    setBlocked(t.sandbox.net, t.sandbox.phone(ALICE), t.sandbox.phone(BOB), false);
    const typing = alice.next('presence.update', (u) => Object.values(u.presences).some((p) => p.lastKnownPresence === 'composing'));
    t.sandbox.sendPresence(BOB, 'composing', ALICE);
    // One connection keeps its order: what was sent while blocked would have come first.
    await typing;
    alice.sock.ev.off('presence.update', collect);
    expect(seen).not.toContain('recording');
    expect(seen).not.toContain('unavailable');
  });

  it("the phone's own block reaches its companion as a blocklist notification", async () => {
    const update = alice.next('blocklist.update');
    setBlocked(t.sandbox.net, t.sandbox.phone(ALICE), t.sandbox.phone(CAROL), true);
    expect(await update).toEqual({ blocklist: [t.sandbox.phone(CAROL).lidJid], type: 'add' });
  });
});

describe('persistence', () => {
  it('a restarted sandbox keeps abouts, pictures (the bytes too), block lists and app-state keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wamux-sandbox-profiles-'));
    try {
      const first = await startTestSandbox({ dataDir: dir });
      const [dan, eve] = [first.sandbox.createPhone({ phoneNumber: '15550919001' }), first.sandbox.createPhone({ phoneNumber: '15550919002' })];
      const jpeg = mediaSamples.IMAGE().bytes;
      await updateProfile(first.sandbox.net, dan, { about: 'Kept', pictureBase64: jpeg.toString('base64'), pushName: 'Dan' });
      setBlocked(first.sandbox.net, dan, eve, true);
      // As a link would have made it (app-state.ts).
      dan.appStateKey = { keyId: randomBytes(6), keyData: randomBytes(32), timestamp: Date.now() };
      const before = { about: dan.about, picture: dan.picture, key: dan.appStateKey };
      await first.stop();

      const second = await startTestSandbox({ dataDir: dir });
      try {
        const again = second.sandbox.phone('15550919001');
        expect({ about: again.about, picture: again.picture, key: again.appStateKey }).toEqual(before);
        expect(again.pushName).toBe('Dan');
        expect([...again.blocked]).toEqual(['15550919002']);
        expect(await second.sandbox.net.files!.fetch(again.picture!.directPath)).toEqual(jpeg);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
