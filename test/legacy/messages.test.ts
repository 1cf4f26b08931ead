import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/app.ts';
import { startRestFixture, type RestFixture } from '../helpers/rest-fixture.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import type { openApiChecker } from '../helpers/openapi.ts';
import { eventually, linkOverRest, type RestClient } from '../helpers/rest-client.ts';
import type { FileServer } from '../helpers/file-server.ts';

// Sending, checking, media, by-number routing, groups and contacts (docs/sudevwa-api.md §6-§8) over real
// HTTP, delivered to sandbox phones by real Baileys.
const SENDER = '15550201001';
const PEER = '15550201002';
const NOT_ON_WHATSAPP = '15550209999';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const UNKNOWN_GROUP = '120363000000000001@g.us';

let gw: TestGateway;
let rest: RestClient;
let openapi: Awaited<ReturnType<typeof openApiChecker>>;
let files: FileServer;
let filesUrl: string;
let id: string;
let offline: string;
const image = mediaSamples.IMAGE().bytes;
const pdf = mediaSamples.DOCUMENT().bytes;

let fixture: RestFixture;

beforeAll(async () => {
  fixture = await startRestFixture({
    // DEFAULT_COUNTRY_CODE=1: the sandbox numbers are +1, so "0555…" is a local number here.
    env: { MEDIA_ALLOW_PRIVATE_URLS: 'true', DEFAULT_COUNTRY_CODE: '1' },
    phones: [[SENDER, 'Sender'], [PEER, 'Peer']],
    files: { '/cat.jpg': { body: image, type: 'image/jpeg' }, '/report.pdf': { body: pdf, type: 'application/pdf' } },
  });
  ({ gw, rest, openapi, files } = fixture);
  filesUrl = files.url;
  id = await fixture.instance('send');
  offline = await fixture.instance('offline');
  await linkOverRest(rest, (qr) => gw.sandbox.scan(SENDER, qr), id);
});

afterAll(async () => {
  await fixture?.close();
});

const received = (text: string) => gw.sandbox.waitForMessage(PEER, (m) => m.text === text);
const upload = (fields: Record<string, string>, file?: { bytes: Buffer; name: string }) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  return form;
};

describe('text', () => {
  it('sends by instance id, also to a local number, and the phone gets it', async () => {
    const res = await rest.post(`/api/send/${id}`, { to: PEER, message: 'hello from REST' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Message sent successfully',
      data: { messageId: expect.any(String), timestamp: expect.any(Number), to: PEER, verified: true },
    });
    expect(Math.abs(res.body.data.timestamp - Date.now() / 1000)).toBeLessThan(60);
    openapi.check('POST', '/api/send/{instanceId}', res);
    expect((await received('hello from REST')).id).toBe(res.body.data.messageId);

    const local = await rest.post(`/api/send/${id}`, { to: `0${PEER.slice(1)}`, message: 'hello, local number' });
    expect(local.body.data.to).toBe(`0${PEER.slice(1)}`);
    await received('hello, local number');
  });

  it('answers each documented refusal with its status and code', async () => {
    const cases: Array<[string, unknown, number, string, string?]> = [
      [`/api/send/${id}`, { to: PEER }, 400, 'VALIDATION_ERROR', "Field 'to' and 'message' are required"],
      [`/api/send/${id}`, { to: 'not a number', message: 'x' }, 400, 'INVALID_PHONE', 'Invalid phone number'],
      [`/api/send/${id}`, { to: NOT_ON_WHATSAPP, message: 'x' }, 400, 'PHONE_NOT_REGISTERED', 'Phone number is not registered on WhatsApp'],
      [`/api/send/${id}`, { to: 12345, message: 'x' }, 400, 'INVALID_REQUEST', 'Invalid request body'],
      [`/api/send/${UNKNOWN}`, { to: PEER, message: 'x' }, 404, 'SESSION_NOT_FOUND', 'Session not found'],
      [`/api/send/${offline}`, { to: PEER, message: 'x' }, 400, 'NOT_CONNECTED', 'Session is not connected'],
    ];
    for (const [path, body, status, code, message] of cases) {
      const res = await rest.post(path, body);
      expect([JSON.stringify(body), res.status, res.body.error?.code, res.body.message]).toEqual([JSON.stringify(body), status, code, message]);
      openapi.check('POST', '/api/send/{instanceId}', res);
    }
    const notJson = await rest.post(`/api/send/${id}`, 'to=1', { 'content-type': 'text/plain' });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(notJson.body.error.details).toMatch(/^code=415/);
  });

  it('refuses missing, malformed and invalid tokens like SUDEVWA', async () => {
    const anonymous = rest.as(undefined);
    expect((await anonymous.post(`/api/send/${id}`, { to: PEER, message: 'x' })).body).toEqual({ success: false, message: 'Unauthorized', error: { code: 'UNAUTHORIZED' } });
    const malformed = await anonymous.post(`/api/send/${id}`, { to: PEER, message: 'x' }, { authorization: 'Basic abc' });
    expect([malformed.status, malformed.body.error.code]).toEqual([401, 'INVALID_AUTH_HEADER']);
    const invalid = await rest.as('not-a-token').get('/api/instances');
    expect([invalid.status, invalid.body]).toEqual([401, { success: false, message: 'Invalid or expired token', error: { code: 'INVALID_TOKEN' } }]);
    openapi.check('GET', '/api/instances', invalid);
  });

  it('checks numbers', async () => {
    const yes = await rest.post(`/api/check/${id}`, { phone: PEER });
    expect(yes.body).toEqual({
      success: true,
      message: 'Phone number checked',
      data: { phone: PEER, isRegistered: true, jid: `${PEER}@s.whatsapp.net`, willSkipValidation: false, note: 'Number is registered and will pass validation when sending' },
    });
    openapi.check('POST', '/api/check/{instanceId}', yes);
    expect((await rest.post(`/api/check/${id}`, { phone: NOT_ON_WHATSAPP })).body.data.isRegistered).toBe(false);
    for (const [body, status, code] of [[{ phone: 'abc' }, 400, 'INVALID_PHONE'], [{}, 400, 'VALIDATION_ERROR']] as const) {
      const res = await rest.post(`/api/check/${id}`, body);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
    }
    const off = await rest.post(`/api/check/${offline}`, { phone: PEER });
    expect([off.status, off.body.error.code]).toEqual([400, 'NOT_CONNECTED']);
  });
});

describe('by number', () => {
  it("routes by the sender's number, international or local, and says which", async () => {
    for (const from of [SENDER, `0${SENDER.slice(1)}`]) {
      const res = await rest.post(`/api/by-number/${from}`, { to: PEER, message: `by number ${from}` });
      expect(res.body).toEqual({
        success: true,
        message: 'Message sent successfully',
        data: { messageId: expect.any(String), timestamp: expect.any(Number), from, to: PEER, verified: true },
      });
      openapi.check('POST', '/api/by-number/{phoneNumber}', res);
      await received(`by number ${from}`);
    }
    const nobody = await rest.post('/api/by-number/15550207777', { to: PEER, message: 'x' });
    expect(nobody.status).toBe(404);
    expect(nobody.body).toEqual({
      success: false,
      message: 'No active instance for this phone number',
      error: { code: 'NO_ACTIVE_INSTANCE', details: 'Please login / scan QR for this number' },
    });
    openapi.check('POST', '/api/by-number/{phoneNumber}', nobody);
  });
});

describe('media', () => {
  it('sends an upload and a URL, by id and by number', async () => {
    const up = await rest.post(`/api/send/${id}/media`, upload({ to: PEER, caption: 'a cat' }, { bytes: image, name: 'cat.jpg' }));
    expect(up.body).toEqual({
      success: true,
      message: 'Media sent successfully',
      data: { messageId: expect.any(String), timestamp: expect.any(Number), to: PEER, verified: true, mediaType: 'image', fileName: 'cat.jpg', fileSize: image.length },
    });
    openapi.check('POST', '/api/send/{instanceId}/media', up);
    expect(await gw.sandbox.waitForMessage(PEER, (m) => m.id === up.body.data.messageId)).toMatchObject({ type: 'image', caption: 'a cat' });

    const url = await rest.post(`/api/send/${id}/media-url`, { to: PEER, mediaUrl: `${filesUrl}/report.pdf`, caption: 'the report' });
    expect(url.body.data).toMatchObject({ mediaType: 'document', fileName: 'report.pdf', fileSize: pdf.length, verified: true });
    openapi.check('POST', '/api/send/{instanceId}/media-url', url);
    expect(await gw.sandbox.waitForMessage(PEER, (m) => m.id === url.body.data.messageId)).toMatchObject({ type: 'document', fileName: 'report.pdf' });

    const byUrl = await rest.post(`/api/by-number/${SENDER}/media-url`, { to: PEER, mediaUrl: `${filesUrl}/cat.jpg`, mediaType: 'image' });
    expect(byUrl.body.data).toMatchObject({ from: SENDER, mediaType: 'image', fileName: 'cat.jpg' });
    openapi.check('POST', '/api/by-number/{phoneNumber}/media-url', byUrl);
    const byFile = await rest.post(`/api/by-number/${SENDER}/media-file`, upload({ to: PEER }, { bytes: pdf, name: 'notes.pdf' }));
    expect(byFile.body.data).toMatchObject({ from: SENDER, mediaType: 'document', fileName: 'notes.pdf', fileSize: pdf.length });
    openapi.check('POST', '/api/by-number/{phoneNumber}/media-file', byFile);
    await gw.sandbox.waitForMessage(PEER, (m) => m.id === byFile.body.data.messageId);
  });

  it('refuses missing fields, a missing file, bad URLs and mismatched bytes', async () => {
    const cases: Array<[Promise<{ status: number; body: any }>, number, string]> = [
      [rest.post(`/api/send/${id}/media`, upload({ caption: 'x' }, { bytes: image, name: 'cat.jpg' })), 400, 'VALIDATION_ERROR'],
      [rest.post(`/api/send/${id}/media`, upload({ to: PEER })), 400, 'FILE_REQUIRED'],
      [rest.post(`/api/send/${id}/media`, { to: PEER }), 400, 'INVALID_REQUEST'],
      [rest.post(`/api/send/${id}/media`, upload({ to: PEER }, { bytes: pdf, name: 'fake.jpg' })), 400, 'INVALID_MEDIA_TYPE'],
      [rest.post(`/api/send/${offline}/media`, upload({ to: PEER }, { bytes: image, name: 'cat.jpg' })), 400, 'NOT_CONNECTED'],
      [rest.post(`/api/send/${id}/media-url`, { to: PEER }), 400, 'VALIDATION_ERROR'],
      [rest.post(`/api/send/${id}/media-url`, { to: PEER, mediaUrl: `${filesUrl}/missing.jpg` }), 400, 'DOWNLOAD_FAILED'],
      [rest.post(`/api/send/${id}/media-url`, { to: PEER, mediaUrl: 'ftp://example.com/a.jpg' }), 400, 'INVALID_URL'],
      [rest.post(`/api/send/${id}/media-url`, { to: NOT_ON_WHATSAPP, mediaUrl: `${filesUrl}/cat.jpg` }), 400, 'PHONE_NOT_REGISTERED'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(res.body.success).toBe(false);
    }
    const missing = await rest.post(`/api/send/${id}/media`, upload({ to: PEER }));
    expect(missing.body).toEqual({ success: false, message: 'File is required', error: { code: 'FILE_REQUIRED', details: 'http: no such file' } });
    openapi.check('POST', '/api/send/{instanceId}/media', missing);
  });
});

describe('groups and contacts', () => {
  it('lists groups (none in the sandbox) and refuses bad or unknown group JIDs at once', async () => {
    const groups = await rest.get(`/api/groups/${id}`);
    expect(groups.body).toEqual({ success: true, message: 'Groups retrieved', data: { total: 0, groups: [] } });
    openapi.check('GET', '/api/groups/{instanceId}', groups);
    const byNumber = await rest.get(`/api/groups/by-number/${SENDER}`);
    expect(byNumber.body.data).toEqual({ from: SENDER, total: 0, groups: [] });
    openapi.check('GET', '/api/groups/by-number/{phoneNumber}', byNumber);
    const off = await rest.get(`/api/groups/${offline}`);
    expect([off.status, off.body.error.code]).toEqual([400, 'NOT_CONNECTED']);

    const started = Date.now();
    const cases: Array<[string, unknown, number, string]> = [
      [`/api/send-group/${id}`, { groupJid: UNKNOWN_GROUP }, 400, 'VALIDATION_ERROR'],
      [`/api/send-group/${id}`, { groupJid: 'not-a-jid', message: 'x' }, 400, 'INVALID_GROUP_JID'],
      [`/api/send-group/${id}`, { groupJid: 'abc@g.us', message: 'x' }, 400, 'INVALID_GROUP_JID'],
      [`/api/send-group/${id}`, { groupJid: `${PEER}@s.whatsapp.net`, message: 'x' }, 400, 'NOT_GROUP_JID'],
      [`/api/send-group/${id}`, { groupJid: UNKNOWN_GROUP, message: 'x' }, 404, 'GROUP_NOT_FOUND'],
      [`/api/send-group/by-number/${SENDER}`, { groupJid: UNKNOWN_GROUP, message: 'x' }, 404, 'GROUP_NOT_FOUND'],
      [`/api/send-group/${id}/media-url`, { groupJid: UNKNOWN_GROUP, mediaUrl: `${filesUrl}/cat.jpg` }, 404, 'GROUP_NOT_FOUND'],
      [`/api/send-group/${UNKNOWN}`, { groupJid: UNKNOWN_GROUP, message: 'x' }, 404, 'SESSION_NOT_FOUND'],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await rest.post(path, body);
      expect([path, JSON.stringify(body), res.status, res.body.error?.code]).toEqual([path, JSON.stringify(body), status, code]);
    }
    const upload404 = await rest.post(`/api/send-group/${id}/media`, upload({ groupJid: UNKNOWN_GROUP }, { bytes: image, name: 'cat.jpg' }));
    expect([upload404.status, upload404.body.error.code]).toEqual([404, 'GROUP_NOT_FOUND']);
    // The sandbox answers group queries at once: nothing waited for a Baileys timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('lists the contacts the session has heard of, with search and paging', async () => {
    await gw.sandbox.sendText(PEER, SENDER, 'hi, it is Peer');
    const found = await eventually(async () => {
      const res = await rest.get(`/api/contacts/${id}`);
      return res.body.data?.contacts?.some((c: { phoneNumber: string }) => c.phoneNumber === PEER) && res;
    }, 'the sender in the contact list');
    expect(found.body.message).toBe('Contact list retrieved successfully');
    expect(found.body.data.contacts).toContainEqual({ jid: `${PEER}@s.whatsapp.net`, phoneNumber: PEER, name: 'Peer', isGroup: false });
    openapi.check('GET', '/api/contacts/{instanceId}', found);

    const searched = await rest.get(`/api/contacts/${id}?search=PEE&limit=1&page=1`);
    expect(searched.body.data).toMatchObject({ total: 1, page: 1, limit: 1, totalPages: 1, search: 'PEE', hasNextPage: false, hasPrevPage: false });
    expect((await rest.get(`/api/contacts/${id}?search=nobody-like-this`)).body.data).toMatchObject({ total: 0, contacts: [] });
    const off = await rest.get(`/api/contacts/${offline}`);
    expect([off.status, off.body.error.code]).toEqual([400, 'NOT_CONNECTED']);
  });
});
