import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/app.ts';
import { startRestFixture, type RestFixture } from '../helpers/rest-fixture.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { LegacyWsTestClient } from '../helpers/legacy-ws.ts';
import type { openApiChecker } from '../helpers/openapi.ts';
import type { RestClient } from '../helpers/rest-client.ts';
import type { SandboxGroup } from '../helpers/sandbox-client.ts';
import type { FileServer } from '../helpers/file-server.ts';

// Group routes (docs/sudevwa-api.md §7) end to end: real Baileys in the gateway fetches the group from the
// sandbox, distributes its sender key and sends skmsg; the member phones decrypt it.
const SENDER = '15550211001';
const OWNER = '15550211002';
const MEMBER = '15550211003';
const OUTSIDER = '15550211004';

let fixture: RestFixture;
let gw: TestGateway;
let rest: RestClient;
let openapi: Awaited<ReturnType<typeof openApiChecker>>;
let files: FileServer;
let filesUrl: string;
let id: string;
let group: SandboxGroup;
let pnGroup: SandboxGroup;
const image = mediaSamples.IMAGE().bytes;
const pdf = mediaSamples.DOCUMENT().bytes;

beforeAll(async () => {
  fixture = await startRestFixture({
    env: { MEDIA_ALLOW_PRIVATE_URLS: 'true' },
    phones: [[SENDER, 'Sender'], [OWNER, 'Owner'], [MEMBER, 'Member'], [OUTSIDER, 'Outsider']],
    files: { '/cat.jpg': { body: image, type: 'image/jpeg' } },
  });
  ({ gw, rest, openapi, files } = fixture);
  filesUrl = files.url;
  const { jid } = await gw.sandbox.createGroup({ subject: 'Team', owner: OWNER, participants: [SENDER, MEMBER], description: 'Daily standup' });
  const pn = await gw.sandbox.createGroup({ subject: 'PN team', owner: SENDER, participants: [MEMBER], addressingMode: 'pn' });
  await gw.sandbox.createGroup({ subject: 'Not ours', owner: OUTSIDER, participants: [MEMBER] });
  const all = await gw.sandbox.groups();
  group = all.find((g) => g.jid === jid)!;
  pnGroup = all.find((g) => g.jid === pn.jid)!;
  id = await fixture.instance('groups', SENDER);
});

afterAll(async () => {
  await fixture?.close();
});

const upload = (fields: Record<string, string>, file: { bytes: Buffer; name: string }) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  return form;
};

/** Both other members of `group` got the message, in that group, from the sender. */
async function atMembers(messageId: string, members = [OWNER, MEMBER], jid = group.jid) {
  const got = [];
  for (const phone of members) {
    const m = await gw.sandbox.waitForMessage(phone, (x) => x.id === messageId);
    expect(m).toMatchObject({ from: SENDER, group: jid });
    got.push(m);
  }
  return got;
}

describe('listing groups', () => {
  it('lists the groups the account is in, with their fields, by id and by number', async () => {
    const res = await rest.get(`/api/groups/${id}`);
    expect(res.status).toBe(200);
    openapi.check('GET', '/api/groups/{instanceId}', res);
    expect(res.body.message).toBe('Groups retrieved');
    expect(res.body.data.total).toBe(2);
    const owner = group.participants.find((p) => p.phoneNumber === OWNER)!;
    const team = res.body.data.groups.find((g: { jid: string }) => g.jid === group.jid);
    expect(team).toEqual({ jid: group.jid, name: 'Team', topic: 'Daily standup', participants: 3, ownerJid: owner.lid, createdAt: group.creation });
    const pn = res.body.data.groups.find((g: { jid: string }) => g.jid === pnGroup.jid);
    expect(pn).toEqual({ jid: pnGroup.jid, name: 'PN team', topic: '', participants: 2, ownerJid: `${SENDER}@s.whatsapp.net`, createdAt: pnGroup.creation });

    const byNumber = await rest.get(`/api/groups/by-number/${SENDER}`);
    openapi.check('GET', '/api/groups/by-number/{phoneNumber}', byNumber);
    expect(byNumber.body.data).toMatchObject({ from: SENDER, total: 2 });
  });
});

describe('sending to a group', () => {
  it('sends text by id and by number; every member phone decrypts it', async () => {
    const res = await rest.post(`/api/send-group/${id}`, { groupJid: group.jid, message: 'standup in 5' });
    expect(res.status).toBe(200);
    openapi.check('POST', '/api/send-group/{instanceId}', res);
    expect(res.body).toMatchObject({ success: true, message: 'Message sent to group', data: { groupJid: group.jid, messageId: expect.any(String) } });
    const [atOwner] = await atMembers(res.body.data.messageId);
    expect(atOwner).toMatchObject({ type: 'text', text: 'standup in 5', participant: group.participants.find((p) => p.phoneNumber === SENDER)!.lid });

    const second = await rest.post(`/api/send-group/by-number/${SENDER}`, { groupJid: group.jid, message: 'by number, same sender key' });
    openapi.check('POST', '/api/send-group/by-number/{phoneNumber}', second);
    expect(second.body.data).toMatchObject({ from: SENDER, groupJid: group.jid });
    const [m] = await atMembers(second.body.data.messageId);
    expect(m!.text).toBe('by number, same sender key');

    const pn = await rest.post(`/api/send-group/${id}`, { groupJid: pnGroup.jid, message: 'PN-addressed' });
    const [atMember] = await atMembers(pn.body.data.messageId, [MEMBER], pnGroup.jid);
    expect(atMember).toMatchObject({ text: 'PN-addressed', participant: `${SENDER}@s.whatsapp.net` });
  });

  it('sends media by URL and by upload, byte-exact at each member phone', async () => {
    const url = await rest.post(`/api/send-group/${id}/media-url`, { groupJid: group.jid, mediaUrl: `${filesUrl}/cat.jpg`, caption: 'the office cat' });
    expect(url.status).toBe(200);
    openapi.check('POST', '/api/send-group/{instanceId}/media-url', url);
    expect(url.body.data).toMatchObject({ groupJid: group.jid, mediaType: 'image', fileName: 'cat.jpg', fileSize: image.length });
    for (const m of await atMembers(url.body.data.messageId)) {
      expect(m).toMatchObject({ type: 'image', caption: 'the office cat' });
    }
    for (const phone of [OWNER, MEMBER]) expect((await gw.sandbox.downloadMedia(phone, url.body.data.messageId)).bytes.equals(image)).toBe(true);

    const up = await rest.post(`/api/send-group/by-number/${SENDER}/media`, upload({ groupJid: group.jid, caption: 'minutes' }, { bytes: pdf, name: 'minutes.pdf' }));
    expect(up.status).toBe(200);
    openapi.check('POST', '/api/send-group/by-number/{phoneNumber}/media', up);
    expect(up.body.data).toMatchObject({ from: SENDER, groupJid: group.jid, mediaType: 'document', fileName: 'minutes.pdf', fileSize: pdf.length });
    for (const m of await atMembers(up.body.data.messageId)) expect(m).toMatchObject({ type: 'document', fileName: 'minutes.pdf' });
    for (const phone of [OWNER, MEMBER]) expect((await gw.sandbox.downloadMedia(phone, up.body.data.messageId)).bytes.equals(pdf)).toBe(true);
  });

  it("refuses a group the account is not in, at once", async () => {
    const notOurs = (await gw.sandbox.groups()).find((g) => g.subject === 'Not ours')!;
    const started = Date.now();
    const res = await rest.post(`/api/send-group/${id}`, { groupJid: notOurs.jid, message: 'x' });
    expect([res.status, res.body.error.code]).toEqual([404, 'GROUP_NOT_FOUND']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await gw.sandbox.messages(MEMBER)).some((m) => m.group === notOurs.jid)).toBe(false);
  });
});

describe('receiving from a group', () => {
  it('a member phone writing in the group reaches the instance as an incoming group message', async () => {
    const ws = await LegacyWsTestClient.connect(`${gw.url.replace(/^http/, 'ws')}/api/listen/${id}`, { token: gw.adminToken });
    try {
      for (const text of ['from the owner', 'owner again, same sender key']) {
        const messageId = await gw.sandbox.sendText(OWNER, group.jid, text);
        const frame = await ws.next((f) => f.event === 'incoming_message' && (f.data.data as { message_id?: string })?.message_id === messageId);
        // SUDEVWA's payload names the participant as `from`, not the group. In a LID-addressed group
        // that is the author's LID, as Baileys reports it (`key.participant`).
        const ownerLid = group.participants.find((p) => p.phoneNumber === OWNER)!.lid;
        expect(frame.data.data).toEqual({
          instance_id: id, from: ownerLid, from_me: false, message: text, timestamp: expect.any(Number), is_group: true, message_id: messageId, push_name: 'Owner',
        });
      }
    } finally {
      ws.close();
    }
  });
});
