import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/services/shared/address-guard.ts';
import { stageUrl } from '../../src/services/messaging/media/media-source.ts';
import type { SendMediaKind } from '../../src/services/messaging/types.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { mediaSamples } from '../helpers/media-samples.ts';
import { startTestSandbox } from '../helpers/sandbox.ts';
import { serveFiles, type FileServer } from '../helpers/file-server.ts';
import { startServices, type TestServices } from '../helpers/services.ts';

const MB = 1024 * 1024;
const ME = '15550500001';
const PEER = '15550500002';
let db: TestOrm;
let t: Awaited<ReturnType<typeof startTestSandbox>>;
let tmpDir: string;
let files: FileServer;
let filesUrl: string;
const registries: TestServices[] = [];
let id: string;

function registry(allowPrivate: boolean): TestServices {
  const r = startServices({
    orm: db.orm,
    waWebSocketUrl: t.sandbox.info.wsUrl,
    mediaHost: t.sandbox.info.mediaHost,
    media: {
      tmpDir,
      outboxDir: `${tmpDir}/outbox`,
      limits: { image: 1 * MB, video: 2 * MB, audio: 1 * MB, document: 3 * MB },
      url: { allowPrivate, timeoutMs: 2_000, maxRedirects: 2 },
    },
  });
  registries.push(r);
  return r;
}
let r: TestServices;

beforeAll(async () => {
  db = await createTestOrm();
  t = await startTestSandbox();
  tmpDir = await mkdtemp(join(tmpdir(), 'wamux-media-test-'));
  t.sandbox.createPhone({ phoneNumber: ME });
  t.sandbox.createPhone({ phoneNumber: PEER });
  files = await serveFiles();
  filesUrl = files.url;

  r = registry(true);
  id = (await r.registry.create({ name: 'media' })).id;
  const qr = new Promise<string>((resolve) => r.events.on('qrCode', (q) => resolve(q.code)));
  const online = new Promise<void>((resolve) => r.events.on('instanceStatus', (e) => e.status === 'ONLINE' && resolve()));
  await r.registry.connect(id);
  await t.sandbox.scanQr(ME, await qr);
  await online;
});
afterAll(async () => {
  for (const x of registries) await x.stop();
  await files.close();
  await t.stop();
  await db.close();
  await rm(tmpDir, { recursive: true, force: true });
});

const kinds = Object.keys(mediaSamples) as SendMediaKind[];
const expectedType: Record<SendMediaKind, string> = { IMAGE: 'image', VIDEO: 'video', AUDIO: 'audio', VOICE: 'voice', DOCUMENT: 'document', STICKER: 'sticker' };

describe('sendMedia', () => {
  it.each(kinds)('%s from an upload stream arrives byte-exact', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    const sent = await r.messages.sendMedia({ instanceId: id, to: PEER, kind, source: { stream: Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), fileName: 'upload.bin' }, caption: kind === 'IMAGE' || kind === 'DOCUMENT' ? 'cap' : undefined });
    const got = await t.sandbox.waitForMessage(PEER, (m) => m.id === sent.messageId);
    expect(got.type).toBe(expectedType[kind]);
    expect(got.mimeType).toBe(mimeType);
    expect((await t.sandbox.downloadMedia(PEER, got.id)).bytes.equals(bytes)).toBe(true);
    if (kind === 'DOCUMENT') expect(got).toMatchObject({ fileName: 'upload.bin', caption: 'cap' });
  });

  it.each(kinds)('%s from a URL (through a redirect) arrives byte-exact', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    files.files.set(`/${kind}.bin`, { body: bytes, type: 'application/octet-stream' });
    files.files.set(`/go/${kind}`, { redirect: `/${kind}.bin` });
    const sent = await r.messages.sendMedia({ instanceId: id, to: PEER, kind, source: { url: `${filesUrl}/go/${kind}` } });
    const got = await t.sandbox.waitForMessage(PEER, (m) => m.id === sent.messageId);
    expect(got.mimeType).toBe(mimeType);
    expect((await t.sandbox.downloadMedia(PEER, got.id)).bytes.equals(bytes)).toBe(true);
  });

  it.each([
    ['too large for its kind', () => ({ kind: 'IMAGE' as const, source: { stream: Readable.from([Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1.5 * MB)])]) } }), 'MEDIA_TOO_LARGE'],
    ['too large by Content-Length', () => (files.files.set('/big', { body: Buffer.alloc(3 * MB), type: 'audio/mpeg' }), { kind: 'AUDIO' as const, source: { url: `${filesUrl}/big` } }), 'MEDIA_TOO_LARGE'],
    ['a PDF declared as an image', () => ({ kind: 'IMAGE' as const, source: { stream: Readable.from([mediaSamples.DOCUMENT().bytes]) } }), 'MEDIA_TYPE_MISMATCH'],
    ['a JPEG as a sticker', () => ({ kind: 'STICKER' as const, source: { stream: Readable.from([mediaSamples.IMAGE().bytes]) } }), 'MEDIA_TYPE_MISMATCH'],
    ['an MP3 as a voice note', () => ({ kind: 'VOICE' as const, source: { stream: Readable.from([mediaSamples.AUDIO().bytes]) } }), 'MEDIA_TYPE_MISMATCH'],
    ['a mime type that contradicts the bytes', () => ({ kind: 'IMAGE' as const, mimeType: 'video/mp4', source: { stream: Readable.from([mediaSamples.IMAGE().bytes]) } }), 'MEDIA_TYPE_MISMATCH'],
    ['an empty file', () => ({ kind: 'DOCUMENT' as const, source: { stream: Readable.from([]) } }), 'MEDIA_EMPTY'],
    ['a URL answering 404', () => ({ kind: 'IMAGE' as const, source: { url: `${filesUrl}/missing` } }), 'MEDIA_FETCH_FAILED'],
    ['an unreachable URL', () => ({ kind: 'IMAGE' as const, source: { url: 'http://127.0.0.1:1/x.jpg' } }), 'MEDIA_FETCH_FAILED'],
    ['a redirect loop', () => (files.files.set('/loop', { redirect: '/loop' }), { kind: 'IMAGE' as const, source: { url: `${filesUrl}/loop` } }), 'MEDIA_FETCH_FAILED'],
    ['a non-http URL', () => ({ kind: 'IMAGE' as const, source: { url: 'file:///etc/passwd' } }), 'MEDIA_URL_INVALID'],
    ['both url and file', () => ({ kind: 'IMAGE' as const, source: { url: `${filesUrl}/x`, stream: Readable.from([]) } }), 'VALIDATION_FAILED'],
    ['a caption on audio', () => ({ kind: 'AUDIO' as const, caption: 'no', source: { url: `${filesUrl}/x` } }), 'VALIDATION_FAILED'],
  ])('refuses %s with a clear error and leaves no temp file', async (_name, make, code) => {
    await expect(r.messages.sendMedia({ instanceId: id, to: PEER, ...make() })).rejects.toMatchObject({ code });
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('refuses private, loopback and link-local URLs (IP literals up front, host names at DNS lookup)', async () => {
    const strict = { allowPrivate: false, timeoutMs: 2_000, maxRedirects: 2 };
    for (const url of [`${filesUrl}/IMAGE.bin`, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/x']) {
      await expect(stageUrl(url, tmpDir, MB, strict)).rejects.toMatchObject({ code: 'MEDIA_URL_FORBIDDEN' });
    }
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('refuses an unknown instance before fetching anything', async () => {
    files.files.set('/counted', { body: mediaSamples.IMAGE().bytes, type: 'image/jpeg' });
    await expect(r.messages.sendMedia({ instanceId: '00000000-0000-0000-0000-000000000000', to: PEER, kind: 'IMAGE', source: { url: `${filesUrl}/counted` } })).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await expect(r.messages.sendMedia({ instanceId: id, to: '19999999999', kind: 'IMAGE', source: { url: `${filesUrl}/counted` } })).rejects.toMatchObject({ code: 'RECIPIENT_NOT_ON_WHATSAPP' });
    expect(files.hits('/counted')).toBe(0);
    expect(await readdir(tmpDir)).toEqual([]);
  });
});

describe('isPrivateAddress', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])('%s is private', (a) =>
    expect(isPrivateAddress(a)).toBe(true),
  );
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (a) => expect(isPrivateAddress(a)).toBe(false));
});

describe('received media', () => {
  const phoneKind = { IMAGE: 'image', VIDEO: 'video', AUDIO: 'audio', VOICE: 'voice', DOCUMENT: 'document', STICKER: 'sticker' } as const;
  const readAll = async (stream: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it.each(kinds)('%s from a phone arrives with its metadata and downloads byte-exact', async (kind) => {
    const { bytes, mimeType } = mediaSamples[kind]();
    const received = new Promise<import('../../src/services/messaging/types.ts').IncomingMessage>((resolve) =>
      r.events.on('messageReceived', (m) => m.media && m.type === kind && resolve(m)),
    );
    const captioned = kind === 'IMAGE' || kind === 'VIDEO' || kind === 'DOCUMENT';
    const messageId = await t.sandbox.sendMedia(PEER, ME, { kind: phoneKind[kind], base64: bytes.toString('base64'), mimeType, fileName: 'in.bin', caption: captioned ? 'look' : undefined });
    const msg = await received;
    expect(msg.id).toBe(messageId);
    // The domain reports the ids; the transports build the download link from them (test/gateway/media.test.ts).
    expect(msg).toMatchObject({ instanceId: id, id: messageId, media: { mimeType, size: bytes.length } });
    if (captioned) expect(msg.media!.caption).toBe('look');
    if (kind === 'DOCUMENT') expect(msg.media!.fileName).toBe('in.bin');
    const download = await r.receivedMedia.open(id, messageId);
    expect(download.mimeType).toBe(mimeType);
    expect((await readAll(download.stream)).equals(bytes)).toBe(true);
  });

  it('keeps downloads working after a restart, and answers MEDIA_NOT_FOUND for anything else', async () => {
    const { bytes, mimeType } = mediaSamples.IMAGE();
    const received = new Promise<string>((resolve) => r.events.on('messageReceived', (m) => m.media?.mimeType === mimeType && resolve(m.id)));
    await t.sandbox.sendMedia(PEER, ME, { kind: 'image', base64: bytes.toString('base64'), mimeType });
    const messageId = await received;
    const fresh = registry(true); // a new registry on the same database: what a restarted gateway has
    expect((await readAll((await fresh.receivedMedia.open(id, messageId)).stream)).equals(bytes)).toBe(true);
    await expect(fresh.receivedMedia.open(id, 'NOPE')).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
    await expect(fresh.receivedMedia.open('00000000-0000-0000-0000-000000000000', messageId)).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });
});
