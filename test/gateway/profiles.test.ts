import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AboutDocument,
  BlockContactDocument,
  BlocklistDocument,
  MessageReceivedDocument,
  ProfilePictureDocument,
  RemoveProfilePictureDocument,
  UnblockContactDocument,
  UpdateProfileNameDocument,
  UpdateProfilePictureDocument,
  UpdateProfileStatusDocument,
  type UpdateProfilePictureInput,
} from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { decodablePng, mediaSamples } from '../helpers/media-samples.ts';
import { postMultipart } from '../helpers/multipart.ts';

// Profiles and the block list over GraphQL end to end: real Baileys in the gateway asks the sandbox
// (w:profile:picture, usync status, xmlns=status, blocklist, an app-state patch for the push name);
// the phones' side is read and set through the sandbox's control API.
const OWNER = '15550620001';
const ALICE = '15550620002';
const BOB = '15550620003';
const NOBODY = '15550620099';
const MB = 1024 * 1024;

let gw: TestGateway;
let id: string;

beforeAll(async () => {
  gw = await startTestGateway({ env: { MAX_IMAGE_MB: '1' } });
  for (const [phone, name] of [[OWNER, 'Owner'], [ALICE, 'Alice'], [BOB, 'Bob']] as const) await gw.sandbox.createPhone(phone, name);
  id = await gw.linkInstance('profiles', OWNER);
});
afterAll(async () => {
  await gw?.close();
});

const uploadPicture = (input: Omit<UpdateProfilePictureInput, 'file'>, body: Buffer, token = gw.adminToken) =>
  postMultipart(`${gw.url}/graphql`, token, UpdateProfilePictureDocument, { input: { ...input, file: null } }, { path: 'variables.input.file', body: new Blob([new Uint8Array(body)]), fileName: 'me.png' });

describe("other users' profiles", () => {
  it("reads a phone's picture and about as its user set them; null before", async () => {
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: ALICE })).profilePicture).toBeNull();
    expect((await gw.http.ok(AboutDocument, { instanceId: id, jid: ALICE })).about).toEqual({ jid: `${ALICE}@s.whatsapp.net`, text: null, setAt: null });

    const profile = await gw.sandbox.updateProfile(ALICE, { about: 'Ask me about billing', picture: { base64: mediaSamples.IMAGE().bytes.toString('base64') } });
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: `+${ALICE}` })).profilePicture).toBe(profile.picture!.url);
    const { about } = await gw.http.ok(AboutDocument, { instanceId: id, jid: `${ALICE}@s.whatsapp.net` });
    expect(about).toEqual({ jid: `${ALICE}@s.whatsapp.net`, text: 'Ask me about billing', setAt: new Date(profile.aboutSetAt! * 1000).toISOString() });
  });

  it('a phone that blocked the account hides its picture and about from it', async () => {
    await gw.sandbox.block(ALICE, 'block', OWNER);
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: ALICE })).profilePicture).toBeNull();
    expect((await gw.http.ok(AboutDocument, { instanceId: id, jid: ALICE })).about.text).toBeNull();
    await gw.sandbox.block(ALICE, 'unblock', OWNER);
    expect((await gw.http.ok(AboutDocument, { instanceId: id, jid: ALICE })).about.text).toBe('Ask me about billing');
  });
});

describe("the account's own profile", () => {
  it('sets the push name and the about: the phone has them, contacts see them', async () => {
    expect((await gw.http.ok(UpdateProfileNameDocument, { instanceId: id, name: '  Acme Support ' })).updateProfileName).toBe('Acme Support');
    expect((await gw.http.ok(UpdateProfileStatusDocument, { instanceId: id, about: 'Mon-Fri 9-17' })).updateProfileStatus).toBe('Mon-Fri 9-17');
    expect(await gw.sandbox.profile(OWNER)).toMatchObject({ pushName: 'Acme Support', about: 'Mon-Fri 9-17' });
    expect((await gw.http.ok(AboutDocument, { instanceId: id, jid: OWNER })).about.text).toBe('Mon-Fri 9-17');
  });

  it('sets the picture from an upload (a JPEG reaches WhatsApp) and removes it', async () => {
    const res = await uploadPicture({ instanceId: id }, decodablePng());
    expect(res.errors).toBeUndefined();
    const { picture } = await gw.sandbox.profile(OWNER);
    expect(picture?.url).toMatch(/^https:\/\//);
    expect(res.data?.updateProfilePicture).toBe(picture!.url);
    expect([...(await gw.sandbox.pictureBytes(OWNER)).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: OWNER })).profilePicture).toBe(picture!.url);

    expect((await gw.http.ok(RemoveProfilePictureDocument, { instanceId: id })).removeProfilePicture).toBe(true);
    expect((await gw.sandbox.profile(OWNER)).picture).toBeNull();
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: OWNER })).profilePicture).toBeNull();
  });
});

describe('group icons', () => {
  it("reads a group's icon set by a phone; sets and removes it as a member; a locked group wants an admin", async () => {
    const { jid } = await gw.sandbox.createGroup({ subject: 'Front desk', owner: ALICE, participants: [OWNER, BOB] });
    const { picture } = await gw.sandbox.setGroupPicture(jid, ALICE, { base64: mediaSamples.IMAGE().bytes.toString('base64') });
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid })).profilePicture).toBe(picture!.url);

    const res = await uploadPicture({ instanceId: id, jid }, decodablePng());
    expect(res.errors).toBeUndefined();
    const icon = (await gw.sandbox.groups()).find((g) => g.jid === jid)!.picture;
    expect(res.data?.updateProfilePicture).toBe(icon!.url);
    expect(icon!.url).not.toBe(picture!.url);
    await gw.sandbox.waitForGroupEvent(BOB, (e) => e.group === jid && e.action === 'picture' && e.by === OWNER);
    expect((await gw.sandbox.profile(OWNER)).picture).toBeNull();

    await gw.sandbox.changeGroup(jid, ALICE, { setting: 'locked' });
    expect((await uploadPicture({ instanceId: id, jid }, decodablePng())).errors?.[0]?.extensions?.code).toBe('NOT_GROUP_ADMIN');
    expect((await gw.http.fail(RemoveProfilePictureDocument, { instanceId: id, jid })).extensions?.code).toBe('NOT_GROUP_ADMIN');
    await gw.sandbox.changeGroup(jid, ALICE, { setting: 'unlocked' });
    expect((await gw.http.ok(RemoveProfilePictureDocument, { instanceId: id, jid })).removeProfilePicture).toBe(true);
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid })).profilePicture).toBeNull();

    expect((await gw.http.fail(RemoveProfilePictureDocument, { instanceId: id, jid: '120363999999999999@g.us' })).extensions?.code).toBe('GROUP_NOT_FOUND');
    expect((await gw.http.fail(RemoveProfilePictureDocument, { instanceId: id, jid: ALICE })).extensions?.code).toBe('VALIDATION_FAILED');
  });
});

describe('the block list', () => {
  it('blocks and unblocks: WhatsApp stores it, and what the blocked phone sends meanwhile never arrives', async () => {
    const bobLid = (await gw.sandbox.createPhone(BOB)).lid;
    const blocked = [{ jid: `${BOB}@s.whatsapp.net`, lid: `${bobLid}@lid`, phoneNumber: BOB }];
    expect((await gw.http.ok(BlockContactDocument, { instanceId: id, jid: BOB })).blockContact).toEqual(blocked);
    expect((await gw.sandbox.profile(OWNER)).blocked).toEqual([BOB]);
    expect((await gw.http.ok(BlocklistDocument, { instanceId: id })).blocklist).toEqual(blocked);

    const received = await gw.ws.subscribe(MessageReceivedDocument, { instanceId: id });
    try {
      const dropped = await gw.sandbox.sendText(BOB, OWNER, 'while blocked');
      expect((await gw.http.ok(UnblockContactDocument, { instanceId: id, jid: `${bobLid}@lid` })).unblockContact).toEqual([]);
      const after = await gw.sandbox.sendText(BOB, OWNER, 'after unblocking');
      // One phone's messages reach the gateway in order: had the first arrived, it would be seen first.
      const seen: string[] = [];
      await received.next((d) => {
        seen.push(d.messageReceived.id);
        return d.messageReceived.id === after;
      });
      expect(seen).not.toContain(dropped);
    } finally {
      received.close();
    }
    expect((await gw.http.ok(BlocklistDocument, { instanceId: id })).blocklist).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers each field with a clear code, never INTERNAL_SERVER_ERROR', async () => {
    const code = async (p: Promise<{ extensions?: Record<string, unknown> }>) => (await p).extensions?.code;
    expect(await code(gw.http.fail(ProfilePictureDocument, { instanceId: id, jid: 'not a jid' }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(AboutDocument, { instanceId: id, jid: '120363000000000001@g.us' }))).toBe('VALIDATION_FAILED');
    // Argument shapes are checked before the resolver runs: BAD_USER_INPUT, as for every field.
    expect(await code(gw.http.fail(BlockContactDocument, { instanceId: id, jid: 'x'.repeat(65) }))).toBe('BAD_USER_INPUT');
    expect(await code(gw.http.fail(BlockContactDocument, { instanceId: id, jid: NOBODY }))).toBe('RECIPIENT_NOT_ON_WHATSAPP');
    expect(await code(gw.http.fail(BlockContactDocument, { instanceId: id, jid: '98765432101234@lid' }))).toBe('RECIPIENT_NOT_ON_WHATSAPP');
    expect(await code(gw.http.fail(BlockContactDocument, { instanceId: id, jid: OWNER }))).toBe('INVALID_STATE');
    // Nobody there: nothing to show, not an error.
    expect((await gw.http.ok(ProfilePictureDocument, { instanceId: id, jid: NOBODY })).profilePicture).toBeNull();
    expect((await gw.http.ok(AboutDocument, { instanceId: id, jid: NOBODY })).about.text).toBeNull();
    expect(await code(gw.http.fail(UpdateProfileNameDocument, { instanceId: id, name: '   ' }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(UpdateProfileNameDocument, { instanceId: id, name: 'n'.repeat(26) }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(UpdateProfileStatusDocument, { instanceId: id, about: 'a'.repeat(140) }))).toBe('VALIDATION_FAILED');
    expect(await code(gw.http.fail(UpdateProfilePictureDocument, { input: { instanceId: id } }))).toBe('BAD_USER_INPUT');
    expect(await code(gw.http.fail(UpdateProfilePictureDocument, { input: { instanceId: id, url: 'ftp://example.com/me.png' } }))).toBe('MEDIA_URL_INVALID');
    expect(await code(gw.http.fail(UpdateProfilePictureDocument, { input: { instanceId: id, url: 'http://127.0.0.1:9/me.png' } }))).toBe('MEDIA_URL_FORBIDDEN');
    expect(await code(gw.http.fail(BlocklistDocument, { instanceId: '00000000-0000-4000-8000-000000000000' }))).toBe('INSTANCE_NOT_FOUND');

    const pictureCode = async (body: Buffer) => (await uploadPicture({ instanceId: id }, body)).errors?.[0]?.extensions?.code;
    expect(await pictureCode(mediaSamples.DOCUMENT().bytes)).toBe('MEDIA_TYPE_MISMATCH');
    // JPEG by its magic number, but no image behind it.
    expect(await pictureCode(mediaSamples.IMAGE().bytes)).toBe('MEDIA_TYPE_MISMATCH');
    expect(await pictureCode(Buffer.concat([decodablePng(), Buffer.alloc(MB)]))).toBe('MEDIA_TOO_LARGE');
    expect(await pictureCode(Buffer.alloc(0))).toBe('MEDIA_EMPTY');
    expect((await gw.sandbox.profile(OWNER)).picture).toBeNull();
  });

  it("refuses a user who may not use the instance: FORBIDDEN, and nothing changes", async () => {
    const stranger = gw.http.as(await gw.createUserToken('profiles-stranger'));
    expect((await stranger.fail(ProfilePictureDocument, { instanceId: id, jid: ALICE })).extensions?.code).toBe('FORBIDDEN');
    expect((await stranger.fail(BlockContactDocument, { instanceId: id, jid: ALICE })).extensions?.code).toBe('FORBIDDEN');
    expect((await stranger.fail(UpdateProfileNameDocument, { instanceId: id, name: 'Hijacked' })).extensions?.code).toBe('FORBIDDEN');
    expect((await gw.sandbox.profile(OWNER)).pushName).toBe('Acme Support');
    expect((await gw.sandbox.profile(OWNER)).blocked).toEqual([]);
  });
});
