import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageReceivedDocument, SendMediaDocument, type MediaKind, type SendMediaInput } from '../graphql/generated/graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { postMultipart } from '../helpers/multipart.ts';
import { serveFiles, type FileServer } from '../helpers/file-server.ts';

// Media through the gateway's public surface: sendMedia over GraphQL (URL and multipart upload),
// messageReceived with media metadata, and GET /media/... streaming the decrypted bytes.
const ME = '15550800001';
const PEER = '15550800002';
const _STRANGER_PHONE = '15550800003';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const MB = 1024 * 1024;
const kinds = Object.keys(mediaSamples) as MediaKind[];
const phoneKind = { IMAGE: 'image', VIDEO: 'video', AUDIO: 'audio', VOICE: 'voice', DOCUMENT: 'document', STICKER: 'sticker' } as const;
const captioned = (kind: MediaKind) => kind === 'IMAGE' || kind === 'VIDEO' || kind === 'DOCUMENT';

let gw: TestGateway;
let instanceId: string;
let files: FileServer;
let filesUrl: string;

beforeAll(async () => {
  // Small limits keep the "too large" cases cheap; private URLs are allowed so the test's own file
  // server on 127.0.0.1 can be fetched (the refusal is tested on a second gateway below).
  gw = await startTestGateway({ env: { MEDIA_ALLOW_PRIVATE_URLS: 'true', MAX_IMAGE_MB: '1', MAX_VIDEO_MB: '2', MAX_AUDIO_MB: '1', MAX_DOCUMENT_MB: '2', MEDIA_FETCH_TIMEOUT_MS: '2000' } });
  await gw.sandbox.createPhone(ME, 'Me');
  await gw.sandbox.createPhone(PEER, 'Peer');
  files = await serveFiles();
  filesUrl = files.url;
  instanceId = await gw.linkInstance('media', ME);
});
afterAll(async () => {
  await files?.close();
  await gw?.close();
});

const tmpFiles = async (g: TestGateway) => readdir(join(g.storage.dataDir, 'tmp')).catch(() => [] as string[]);
const upload = (g: TestGateway, input: SendMediaInput, body: Buffer, fileName = 'upload.bin', token = g.adminToken) =>
  postMultipart(`${g.url}/graphql`, token, SendMediaDocument, { input: { ...input, file: null } }, { path: 'variables.input.file', body: new Blob([new Uint8Array(body)]), fileName });
const download = (path: string, token?: string) => fetch(`${gw.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('sendMedia', () => {
  it.each(kinds)('%s uploaded as a multipart file arrives byte-exact at the phone', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    const caption = captioned(kind) ? `${kind} caption` : undefined;
    const res = await upload(gw, { instanceId, to: PEER, kind, caption, ...(kind === 'DOCUMENT' ? { fileName: 'report.pdf' } : {}) }, bytes, 'original.bin');
    expect(res.errors).toBeUndefined();
    const messageId = res.data!.sendMedia.messageId;
    const got = await gw.sandbox.waitForMessage(PEER, (m) => m.id === messageId);
    expect(got).toMatchObject({ type: phoneKind[kind], mimeType });
    if (caption) expect(got.caption).toBe(caption);
    if (kind === 'DOCUMENT') expect(got.fileName).toBe('report.pdf');
    expect((await gw.sandbox.downloadMedia(PEER, messageId)).bytes.equals(bytes)).toBe(true);
  });

  it.each(kinds)('%s from a URL arrives byte-exact at the phone', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    files.files.set(`/files/${kind}.bin`, { body: bytes });
    const { sendMedia } = await gw.http.ok(SendMediaDocument, { input: { fromPhoneNumber: ME, to: `+${PEER}`, kind, url: `${filesUrl}/files/${kind}.bin` } });
    expect(sendMedia.instanceId).toBe(instanceId);
    const got = await gw.sandbox.waitForMessage(PEER, (m) => m.id === sendMedia.messageId);
    expect(got).toMatchObject({ type: phoneKind[kind], mimeType });
    expect((await gw.sandbox.downloadMedia(PEER, sendMedia.messageId)).bytes.equals(bytes)).toBe(true);
  });

  const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size)]);
  it.each([
    ['an image over MAX_IMAGE_MB', () => ({ kind: 'IMAGE' as const, body: jpeg(1 * MB + 10) }), 'MEDIA_TOO_LARGE'],
    ['a video over MAX_VIDEO_MB', () => ({ kind: 'VIDEO' as const, body: Buffer.concat([mediaSamples.VIDEO().bytes, Buffer.alloc(2 * MB)]) }), 'MEDIA_TOO_LARGE'],
    ['audio over MAX_AUDIO_MB', () => ({ kind: 'AUDIO' as const, body: Buffer.concat([mediaSamples.AUDIO().bytes, Buffer.alloc(1 * MB)]) }), 'MEDIA_TOO_LARGE'],
    ['a document over MAX_DOCUMENT_MB', () => ({ kind: 'DOCUMENT' as const, body: Buffer.concat([mediaSamples.DOCUMENT().bytes, Buffer.alloc(2 * MB)]) }), 'MEDIA_TOO_LARGE'],
    ['a PDF sent as an image', () => ({ kind: 'IMAGE' as const, body: mediaSamples.DOCUMENT().bytes }), 'MEDIA_TYPE_MISMATCH'],
    ['an MP3 sent as a voice note', () => ({ kind: 'VOICE' as const, body: mediaSamples.AUDIO().bytes }), 'MEDIA_TYPE_MISMATCH'],
    ['an empty file', () => ({ kind: 'DOCUMENT' as const, body: Buffer.alloc(0) }), 'MEDIA_EMPTY'],
    ['an unknown instance', () => ({ kind: 'IMAGE' as const, body: mediaSamples.IMAGE().bytes, instanceId: UNKNOWN_ID }), 'INSTANCE_NOT_FOUND'],
    ['a caption on a voice note', () => ({ kind: 'VOICE' as const, body: mediaSamples.VOICE().bytes, caption: 'no' }), 'VALIDATION_FAILED'],
  ])('refuses an upload of %s with a clear code, leaving no temp file', async (_name, make, code) => {
    const { body, ...rest } = make();
    const res = await upload(gw, { instanceId, to: PEER, ...rest }, body);
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe(code);
    expect(res.status).toBeLessThan(500);
    expect(await tmpFiles(gw)).toEqual([]);
  });

  it.each([
    ['an unreachable URL', 'http://127.0.0.1:1/nothing.jpg', 'MEDIA_FETCH_FAILED'],
    ['a URL answering 404', 'FILES/missing.jpg', 'MEDIA_FETCH_FAILED'],
    ['a non-http URL', 'file:///etc/passwd', 'MEDIA_URL_INVALID'],
    ['a URL too large for its kind', 'FILES/big.jpg', 'MEDIA_TOO_LARGE'],
  ])('refuses %s with a clear code, leaving no temp file', async (_name, url, code) => {
    files.files.set('/big.jpg', { body: jpeg(1 * MB + 10) });
    const error = await gw.http.fail(SendMediaDocument, { input: { instanceId, to: PEER, kind: 'IMAGE', url: url.replace('FILES', filesUrl) } });
    expect(error.extensions?.code).toBe(code);
    expect(await tmpFiles(gw)).toEqual([]);
  });

  it('wants exactly one of url and file, and a file only as a multipart part', async () => {
    const neither = await gw.http.fail(SendMediaDocument, { input: { instanceId, to: PEER, kind: 'IMAGE' } });
    expect(neither.extensions?.code).toBe('BAD_USER_INPUT');
    const both = await upload(gw, { instanceId, to: PEER, kind: 'IMAGE', url: `${filesUrl}/files/IMAGE.bin` }, mediaSamples.IMAGE().bytes);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const inline = await gw.http.request(SendMediaDocument, { input: { instanceId, to: PEER, kind: 'IMAGE', file: 'not a file' as unknown as Blob } });
    expect(inline.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(inline.status).toBeLessThan(500);
  });

  it('answers a malformed multipart request with 400, not 500', async () => {
    const form = new FormData();
    form.append('operations', '{not json');
    form.append('map', '{}');
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a request body larger than any media limit up front, with 413', async () => {
    // The largest limit here is 2 MB (documents), so the gateway takes at most 3 MB per request.
    const res = await upload(gw, { instanceId, to: PEER, kind: 'DOCUMENT' }, Buffer.concat([mediaSamples.DOCUMENT().bytes, Buffer.alloc(4 * MB)]));
    expect(res.status).toBe(413);
    expect(res.errors?.[0]?.extensions?.code).toBe('MEDIA_TOO_LARGE');
    expect(await tmpFiles(gw)).toEqual([]);
  });

  it('streams an upload to a temp file while it arrives, and removes it when the client goes away mid-upload', async () => {
    const boundary = 'wamux-test-boundary';
    const operations = JSON.stringify({ query: SendMediaDocument.toString(), variables: { input: { instanceId, to: PEER, kind: 'DOCUMENT', file: null } } });
    const head = [
      `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n`,
      `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n${JSON.stringify({ 0: ['variables.input.file'] })}\r\n`,
      `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="half.pdf"\r\ncontent-type: application/pdf\r\n\r\n`,
    ].join('');
    const { port } = new URL(gw.url);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + MB) } });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200_000)]));
    // The operation already runs and stages what has arrived, half a file in hand.
    for (const deadline = Date.now() + 5_000; (await tmpFiles(gw)).length === 0; ) {
      if (Date.now() > deadline) throw new Error('no temp file appeared while the upload was in flight');
      await new Promise((r) => setTimeout(r, 20));
    }
    req.destroy();
    for (const deadline = Date.now() + 5_000; (await tmpFiles(gw)).length > 0; ) {
      if (Date.now() > deadline) throw new Error(`temp files left after the client went away: ${await tmpFiles(gw)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('is refused for an instance of another user, and without credentials', async () => {
    const token = await gw.createUserToken('media-stranger');
    const res = await upload(gw, { instanceId, to: PEER, kind: 'IMAGE' }, mediaSamples.IMAGE().bytes, 'x.jpg', token);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await postMultipart(`${gw.url}/graphql`, undefined, SendMediaDocument, { input: { instanceId, to: PEER, kind: 'IMAGE', file: null } }, { path: 'variables.input.file', body: new Blob([new Uint8Array(mediaSamples.IMAGE().bytes)]) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await tmpFiles(gw)).toEqual([]);
  });
});

describe('received media', () => {
  it.each(kinds)('%s from a phone arrives on messageReceived with metadata and downloads byte-exact', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId });
    try {
      const caption = captioned(kind) ? 'have a look' : undefined;
      const messageId = await gw.sandbox.sendMedia(PEER, ME, { kind: phoneKind[kind], base64: bytes.toString('base64'), mimeType, fileName: 'from-phone.bin', caption });
      const { messageReceived: msg } = await sub.next((d) => d.messageReceived.id === messageId);
      expect(msg.type).toBe(kind);
      const downloadPath = `/media/${instanceId}/${messageId}`;
      expect(msg.media).toEqual({
        kind,
        mimeType,
        size: bytes.length,
        fileName: kind === 'DOCUMENT' ? 'from-phone.bin' : null,
        caption: caption ?? null,
        downloadPath,
        downloadUrl: `${gw.url}${downloadPath}`,
      });
      const res = await fetch(msg.media!.downloadUrl, { headers: { authorization: `Bearer ${gw.adminToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(mimeType);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      if (kind === 'DOCUMENT') expect(res.headers.get('content-disposition')).toContain('filename="from-phone.bin"');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      sub.close();
    }
  });

  it('downloads with an API key too; 401 without credentials, 403 for another user, 404 for unknown media', async () => {
    const { bytes, mimeType } = mediaSamples.IMAGE();
    const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId });
    const messageId = await gw.sandbox.sendMedia(PEER, ME, { kind: 'image', base64: bytes.toString('base64'), mimeType });
    await sub.next((d) => d.messageReceived.id === messageId);
    sub.close();
    const path = `/media/${instanceId}/${messageId}`;

    const none = await download(path);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect((await download(path, 'not-a-token')).status).toBe(401);

    const stranger = await gw.createUserToken('download-stranger');
    const forbidden = await download(path, stranger);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    const unknownMessage = await download(`/media/${instanceId}/NOSUCHMESSAGE`, gw.adminToken);
    expect(unknownMessage.status).toBe(404);
    expect(((await unknownMessage.json()) as { error: { code: string } }).error.code).toBe('MEDIA_NOT_FOUND');
    const unknownInstance = await download(`/media/${UNKNOWN_ID}/${messageId}`, gw.adminToken);
    expect(unknownInstance.status).toBe(404);
    expect(((await unknownInstance.json()) as { error: { code: string } }).error.code).toBe('INSTANCE_NOT_FOUND');

    const { apiKeyToken } = await createApiKey();
    const withKey = await download(path, apiKeyToken);
    expect(withKey.status).toBe(200);
    expect(Buffer.from(await withKey.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe('received media a contact crafted', () => {
  const receive = async (send: () => Promise<string>) => {
    const sub = await gw.ws.subscribe(MessageReceivedDocument, { instanceId });
    try {
      const id = await send();
      await sub.next((d) => d.messageReceived.id === id);
      return id;
    } finally {
      sub.close();
    }
  };

  it('is never fetched from outside WhatsApp’s media servers: no connection, 502 MEDIA_FETCH_FAILED', async () => {
    files.files.set('/internal', { body: Buffer.from('internal only') });
    const port = new URL(filesUrl).port;
    const mediaKey = randomBytes(32).toString('base64');
    for (const pointer of [
      { url: `${filesUrl}/internal` },
      { url: `https://127.0.0.1:${port}/internal` },
      { url: 'https://169.254.169.254/latest/meta-data' },
      { url: 'https://mmg.whatsapp.net.attacker.example/internal' },
      { url: 'https://mmg.whatsapp.net/x', directPath: `@127.0.0.1:${port}/internal` },
      { directPath: `//127.0.0.1:${port}/internal` },
    ]) {
      const id = await receive(() => gw.sandbox.sendRaw(PEER, ME, { imageMessage: { mimetype: 'image/jpeg', mediaKey, fileLength: 13, ...pointer } }));
      const res = await download(`/media/${instanceId}/${id}`, gw.adminToken);
      expect(res.status, JSON.stringify(pointer)).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MEDIA_FETCH_FAILED');
    }
    expect(files.hits('/internal')).toBe(0);
  });

  it('is served with the declared Content-Type only when that is a plain type/subtype', async () => {
    const { bytes } = mediaSamples.DOCUMENT();
    for (const [declared, served] of [
      ['text/html\r\nx-injected: yes', 'application/octet-stream'],
      ['<script>', 'application/octet-stream'],
      ['application/pdf', 'application/pdf'],
    ] as const) {
      const id = await receive(() => gw.sandbox.sendMedia(PEER, ME, { kind: 'document', base64: bytes.toString('base64'), mimeType: declared, fileName: 'x.pdf' }));
      const res = await download(`/media/${instanceId}/${id}`, gw.adminToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(served);
      expect(res.headers.get('x-injected')).toBeNull();
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });
});

async function createApiKey(): Promise<{ apiKeyToken: string }> {
  const { CreateApiKeyDocument } = await import('../graphql/generated/graphql.ts');
  const { createApiKey } = await gw.http.ok(CreateApiKeyDocument, { name: 'media downloads' });
  return { apiKeyToken: createApiKey.key };
}

describe('with private URLs refused (the default)', () => {
  let strict: TestGateway;
  let strictInstance: string;
  beforeAll(async () => {
    strict = await startTestGateway();
    await strict.sandbox.createPhone(ME, 'Me');
    await strict.sandbox.createPhone(PEER, 'Peer');
    strictInstance = await strict.linkInstance('strict', ME);
  });
  afterAll(() => strict?.close());

  it.each([
    'LOCAL',
    'http://localhost:9/x.jpg',
    'http://[::1]:9/x.jpg',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1/x.jpg',
    // TEST-NETs, documentation and 6to4 prefixes, an IPv4-compatible loopback: ipaddr.js' ranges.
    'http://192.0.2.1/x.jpg',
    'http://198.51.100.7/x.jpg',
    'http://[2001:db8::1]/x.jpg',
    'http://[2002:7f00:1::]/x.jpg',
    'http://[::127.0.0.1]:9/x.jpg',
  ])(
    'refuses %s with MEDIA_URL_FORBIDDEN before fetching, leaving no temp file',
    async (url) => {
      const before = files.requests;
      const error = await strict.http.fail(SendMediaDocument, { input: { instanceId: strictInstance, to: PEER, kind: 'IMAGE', url: url.replace('LOCAL', `${filesUrl}/files/IMAGE.bin`) } });
      expect(error.extensions?.code).toBe('MEDIA_URL_FORBIDDEN');
      expect(files.requests).toBe(before);
      expect(await tmpFiles(strict)).toEqual([]);
    },
  );
});
