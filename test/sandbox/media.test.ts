import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  WA_CERT_DETAILS,
  downloadContentFromMessage,
  downloadMediaMessage,
  getWAUploadToServer,
  prepareWAMessageMedia,
  toBuffer,
  type AnyMediaMessageContent,
  type proto,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaServer, type MediaServer } from '../../src/sandbox/media-server.ts';
import { MediaIntegrityError, buildMediaMessage, decryptDownloadedMedia, downloadMediaOfMessage } from '../../src/sandbox/media-crypto.ts';
import { loadOrCreateTestCa, type TestCa } from '../../src/sandbox/test-ca.ts';
import { trustSandbox } from '../../src/sandbox/trust.ts';

const logger = pino({ level: 'silent' });
const AUTH = 'sandbox-media-auth';
const scratch: string[] = [];
/** This file's scratch directory (removed with the others in afterAll). */
let workDir: string;
let ca: TestCa;
let server: MediaServer;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'wamux-media-test-'));
  scratch.push(workDir);
  ca = await loadOrCreateTestCa(join(workDir, 'tls'));
  server = createMediaServer({ tls: { key: ca.serverKeyPem, cert: ca.serverCertPem }, authToken: AUTH, maxUploadBytes: 8 * 1024 * 1024 });
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

/** Baileys' own upload function, fed a media_conn like the sandbox's iq answer. */
function baileysUpload(auth = AUTH) {
  const config = { customUploadHosts: [], logger, options: {} } as unknown as Parameters<typeof getWAUploadToServer>[0];
  return getWAUploadToServer(config, async () => ({
    hosts: [{ hostname: server.hostname, maxContentLengthBytes: server.maxUploadBytes }],
    auth,
    ttl: 3600,
    fetchDate: new Date(),
  }));
}

/** A raw request that trusts the CA explicitly (no process-wide trust, no agent or session reuse). */
function request(
  path: string,
  init: { method?: string; body?: Buffer; chunked?: boolean; headers?: Record<string, string>; target?: MediaServer } = {},
) {
  const [host, port] = (init.target ?? server).hostname.split(':');
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = https.request({ host, port, path, method: init.method ?? 'GET', ca: ca.caCertPem, agent: false, headers: init.headers }, (res) => {
      toBuffer(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    req.on('error', reject);
    if (init.body && init.chunked) {
      // No Content-Length: the server only learns the size while streaming.
      for (let i = 0; i < init.body.length; i += 16 * 1024) req.write(init.body.subarray(i, i + 16 * 1024));
    } else if (init.body) {
      req.setHeader('Content-Length', init.body.length);
      req.write(init.body);
    }
    req.end();
  });
}

const b64url = (b: Buffer) => b.toString('base64url');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe('test CA', () => {
  it('persists to a directory and is reused on the next start', async () => {
    const dir = join(workDir, 'persist');
    const first = await loadOrCreateTestCa(dir);
    const second = await loadOrCreateTestCa(dir);
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.serverCertPem).toBe(first.serverCertPem);
    expect(await readFile(first.caCertPath, 'utf8')).toBe(first.caCertPem);

    const caCert = new X509Certificate(first.caCertPem);
    const serverCert = new X509Certificate(first.serverCertPem);
    expect(caCert.ca).toBe(true);
    expect(serverCert.checkIssued(caCert) && serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');

    // A lost server certificate is reissued by the same CA, so clients that trust it keep working.
    await rm(join(dir, 'server-cert.pem'));
    const third = await loadOrCreateTestCa(dir);
    expect(third.caCertPem).toBe(first.caCertPem);
    expect(third.serverCertPem).not.toBe(first.serverCertPem);
    expect(new X509Certificate(third.serverCertPem).verify(caCert.publicKey)).toBe(true);
  });

  it('without a directory makes a fresh CA in a real temporary file', async () => {
    const a = await loadOrCreateTestCa();
    const b = await loadOrCreateTestCa();
    scratch.push(a.dir, b.dir);
    expect(a.caCertPem).not.toBe(b.caCertPem);
    expect(await readFile(a.caCertPath, 'utf8')).toBe(a.caCertPem);
  });
});

describe('trust', () => {
  const node = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import https from 'node:https';
         const url = process.argv[1];
         const viaHttps = await new Promise((r) => https.get(url, (res) => { res.resume(); r('status ' + res.statusCode); }).on('error', (e) => r(e.code)));
         const viaFetch = await fetch(url).then((r) => 'status ' + r.status, (e) => e.cause?.code ?? String(e));
         console.log(JSON.stringify({ viaHttps, viaFetch }));`,
        `https://${server.hostname}/v/t62.7118-24/unknown`,
      ],
      { env: { ...process.env, ...env } },
    ).then(({ stdout }) => JSON.parse(stdout) as { viaHttps: string; viaFetch: string });

  it('another process rejects the media certificate unless told to trust the CA file', async () => {
    const untrusting = await node({ NODE_EXTRA_CA_CERTS: '' });
    expect(untrusting.viaHttps).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(untrusting.viaFetch).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const trusting = await node({ NODE_EXTRA_CA_CERTS: ca.caCertPath });
    expect(trusting).toEqual({ viaHttps: 'status 404', viaFetch: 'status 404' });
  });

  it('trustSandbox sets the noise root and CA, stacks, and untrust restores both', async () => {
    const originalKey = WA_CERT_DETAILS.PUBLIC_KEY;
    // Compared as sets: Node dedupes the list it is given (bundled roots and NODE_EXTRA_CA_CERTS overlap).
    const defaultCas = () => new Set(tls.getCACertificates('default').map((pem) => new X509Certificate(pem).fingerprint256));
    const sandboxCa = new X509Certificate(ca.caCertPem).fingerprint256;
    const originalCas = defaultCas();
    const probe = () =>
      new Promise<string>((resolve) => {
        const [host, port] = server.hostname.split(':');
        https.get({ host, port, path: '/', agent: false }, (res) => resolve(`status ${res.statusCode}`)).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
    expect(await probe()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');

    const rootA = randomBytes(32);
    const rootB = randomBytes(32);
    const untrustA = trustSandbox({ rootPublicKey: rootA, caCertPem: ca.caCertPem });
    expect(WA_CERT_DETAILS.PUBLIC_KEY.equals(rootA)).toBe(true);
    expect(defaultCas()).toEqual(new Set([...originalCas, sandboxCa]));
    const trustedCount = tls.getCACertificates('default').length;
    expect(await probe()).toBe('status 404');

    const untrustB = trustSandbox({ rootPublicKey: rootB, caCertPem: ca.caCertPem }); // same CA: not added twice
    expect(WA_CERT_DETAILS.PUBLIC_KEY.equals(rootB)).toBe(true);
    expect(tls.getCACertificates('default')).toHaveLength(trustedCount);

    untrustB();
    untrustB(); // idempotent
    expect(WA_CERT_DETAILS.PUBLIC_KEY.equals(rootA)).toBe(true);
    expect(defaultCas().has(sandboxCa)).toBe(true); // A still needs it

    untrustA();
    expect(WA_CERT_DETAILS.PUBLIC_KEY).toBe(originalKey);
    expect(defaultCas()).toEqual(originalCas);
    expect(await probe()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');

    expect(() => trustSandbox({ rootPublicKey: randomBytes(33), caCertPem: ca.caCertPem })).toThrow(/32-byte/);
    expect(WA_CERT_DETAILS.PUBLIC_KEY).toBe(originalKey);
  });
});

describe('with the sandbox trusted', () => {
  let untrust: () => void;
  beforeAll(() => {
    untrust = trustSandbox({ rootPublicKey: randomBytes(32), caCertPem: ca.caCertPem });
  });
  afterAll(() => untrust());

  // Random bytes are fine: nothing decodes them. Thumbnail/duration/waveform inputs are given so
  // Baileys does not spawn ffmpeg or load codecs; odd sizes exercise the CBC padding.
  const cases: [string, AnyMediaMessageContent, keyof proto.IMessage, Buffer][] = (() => {
    const image = randomBytes(300_001);
    const video = randomBytes(1_500_003);
    const audio = randomBytes(40_000);
    const voice = randomBytes(9_999);
    const doc = randomBytes(2_049);
    return [
      ['image', { image, jpegThumbnail: '', caption: 'a picture' }, 'imageMessage', image],
      ['video', { video, jpegThumbnail: '' }, 'videoMessage', video],
      ['audio', { audio, seconds: 3 }, 'audioMessage', audio],
      ['voice note', { audio: voice, seconds: 1, ptt: true, waveform: new Uint8Array(64) } as AnyMediaMessageContent, 'audioMessage', voice],
      ['document', { document: doc, mimetype: 'application/pdf', fileName: 'a.pdf' }, 'documentMessage', doc],
    ];
  })();

  it.each(cases)('Baileys uploads and downloads %s byte-exact', async (_name, content, field, original) => {
    const message = await prepareWAMessageMedia(content, { upload: baileysUpload(), logger });
    const media = message[field] as proto.Message.IImageMessage;
    expect(media.url).toMatch(new RegExp(`^https://${server.hostname}/v/`));
    expect(media.directPath).toMatch(/^\/v\//);

    const type = field.replace('Message', '') as 'image';
    expect((await toBuffer(await downloadContentFromMessage(media, type))).equals(original)).toBe(true);
    const viaMessage = await downloadMediaMessage({ key: {}, message }, 'buffer', {});
    expect(viaMessage.equals(original)).toBe(true);
    // And the sandbox's phones read what Baileys uploaded.
    expect((await downloadMediaOfMessage(message, server)).equals(original)).toBe(true);
  });

  it('serves byte ranges, which Baileys decrypts for partial downloads', async () => {
    const original = randomBytes(100_000);
    const message = await buildMediaMessage({ kind: 'video', bytes: original }, server);
    const part = await toBuffer(await downloadContentFromMessage(message.videoMessage!, 'video', { startByte: 5_000, endByte: 20_000 }));
    expect(part.equals(original.subarray(5_000, 20_000))).toBe(true);
  });

  it.each([
    ['image', { kind: 'image', bytes: randomBytes(12_345), caption: 'hi', width: 10, height: 20 }],
    ['video', { kind: 'video', bytes: randomBytes(65_536), seconds: 4 }],
    ['audio', { kind: 'audio', bytes: randomBytes(777), ptt: true, seconds: 2 }],
    ['document', { kind: 'document', bytes: randomBytes(1), mimeType: 'text/plain', fileName: 'x.txt' }],
    ['sticker', { kind: 'sticker', bytes: randomBytes(2_000) }],
  ] as const)('buildMediaMessage %s is decrypted byte-exact by Baileys', async (kind, input) => {
    const message = await buildMediaMessage(input, server);
    const media = message[`${kind}Message`]!;
    expect(media).toMatchObject({ fileLength: input.bytes.length, mediaKeyTimestamp: expect.any(Number) });
    expect(media.url).toContain(server.hostname);
    const downloaded = await downloadMediaMessage({ key: {}, message }, 'buffer', {});
    expect(downloaded.equals(Buffer.from(input.bytes))).toBe(true);
    expect((await downloadMediaOfMessage(message, server)).equals(Buffer.from(input.bytes))).toBe(true);
  });

  it('builds the fields a client shows', async () => {
    const voice = await buildMediaMessage({ kind: 'audio', bytes: randomBytes(10), ptt: true, seconds: 7 }, server);
    expect(voice.audioMessage).toMatchObject({ ptt: true, seconds: 7, mimetype: 'audio/ogg; codecs=opus' });
    const doc = await buildMediaMessage({ kind: 'document', bytes: randomBytes(10), fileName: 'r.pdf', caption: 'see' }, server);
    expect(doc.documentMessage).toMatchObject({ fileName: 'r.pdf', caption: 'see', mimetype: 'application/pdf' });
  });

  it('rejects media that does not match its message', async () => {
    const message = await buildMediaMessage({ kind: 'image', bytes: randomBytes(100) }, server);
    const blob = (await server.fetch(message.imageMessage!.directPath!))!;
    const key = message.imageMessage!.mediaKey!;
    await expect(decryptDownloadedMedia(blob, key, 'video')).rejects.toThrow(MediaIntegrityError); // wrong HKDF info
    await expect(decryptDownloadedMedia(blob, randomBytes(32), 'image')).rejects.toThrow(/MAC/);
    await expect(downloadMediaOfMessage({ imageMessage: { ...message.imageMessage, fileSha256: randomBytes(32) } }, server)).rejects.toThrow(/fileSha256/);
    await expect(downloadMediaOfMessage({ conversation: 'no media' }, server)).rejects.toThrow(/no downloadable media/);
  });

  it('Baileys fails an upload with the wrong auth', async () => {
    const before = server.stats.rejected.unauthorized;
    await expect(prepareWAMessageMedia({ document: randomBytes(10), mimetype: 'text/plain' }, { upload: baileysUpload('wrong'), logger })).rejects.toThrow(/upload failed/);
    expect(server.stats.rejected.unauthorized).toBeGreaterThan(before);
  });
});

describe('media server HTTP', () => {
  const body = randomBytes(4_096);
  const path = `/mms/document/${b64url(sha256(body))}`;

  it('answers an upload with url, direct_path and the fields Baileys reads', async () => {
    const res = await request(`${path}?auth=${AUTH}&token=x`, { method: 'POST', body });
    expect(res.status).toBe(200);
    const json = JSON.parse(res.body.toString()) as Record<string, unknown>;
    expect(json).toMatchObject({ url: expect.stringContaining(`https://${server.hostname}/v/`), direct_path: expect.stringMatching(/^\/v\//) });
    expect(json).toMatchObject({ meta_hmac: expect.any(String), fbid: expect.any(Number), ts: expect.any(Number), handle: expect.any(String) });
    expect((await server.fetch(json.direct_path as string))?.equals(body)).toBe(true);
    expect((await server.fetch(json.url as string))?.equals(body)).toBe(true);

    const head = await request(json.direct_path as string, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, headers: { 'content-length': String(body.length) } });
    expect(head.body).toHaveLength(0);
    const range = await request(json.direct_path as string, { headers: { Range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.body.equals(body.subarray(10, 20))).toBe(true);
    expect((await request(json.direct_path as string, { headers: { Range: 'bytes=9999-' } })).status).toBe(416);
  });

  it('rejects a wrong auth with 401, a wrong hash with 400, unknown paths with 404', async () => {
    expect((await request(`${path}?auth=nope`, { method: 'POST', body })).status).toBe(401);
    expect((await request(`${path}`, { method: 'POST', body })).status).toBe(401);
    expect((await request(`/mms/document/${b64url(randomBytes(32))}?auth=${AUTH}`, { method: 'POST', body })).status).toBe(400);
    expect((await request(`/mms/bogus/${b64url(sha256(body))}?auth=${AUTH}`, { method: 'POST', body })).status).toBe(404);
    expect((await request('/v/t62.7118-24/AAAAAAAAAAAAAAAAAAAAAA?x=1')).status).toBe(404);
    expect((await request('/nothing')).status).toBe(404);
    expect((await request('/', { method: 'OPTIONS' })).status).toBe(204);
    expect((await request('/', { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 413 past the upload limit, declared or streamed', async () => {
    const small = createMediaServer({ tls: { key: ca.serverKeyPem, cert: ca.serverCertPem }, authToken: AUTH, maxUploadBytes: 64 * 1024 });
    await small.start();
    try {
      const big = randomBytes(200 * 1024);
      const bigPath = `/mms/image/${b64url(sha256(big))}?auth=${AUTH}`;
      expect((await request(bigPath, { method: 'POST', body: big, target: small })).status).toBe(413);
      expect((await request(bigPath, { method: 'POST', body: big, chunked: true, target: small })).status).toBe(413);
      expect(small.stats).toMatchObject({ storedBlobs: 0, rejected: { tooLarge: 2 } });
      // The server is still fine afterwards.
      expect((await request(`${path}?auth=${AUTH}`, { method: 'POST', body, target: small })).status).toBe(200);
    } finally {
      await small.stop();
    }
  });

  it('evicts the oldest blobs past the memory bound', async () => {
    const bounded = createMediaServer({ tls: { key: ca.serverKeyPem, cert: ca.serverCertPem }, maxMemoryBytes: 2_500 });
    await bounded.start();
    try {
      const oldest = await bounded.store('image', randomBytes(1_000));
      await bounded.store('image', randomBytes(1_000));
      const newest = await bounded.store('image', randomBytes(1_000));
      expect(await bounded.fetch(oldest.directPath)).toBeUndefined();
      expect(await bounded.fetch(newest.directPath)).toHaveLength(1_000);
      expect(bounded.stats).toMatchObject({ storedBlobs: 2, storedBytes: 2_000, evicted: 1 });
    } finally {
      await bounded.stop();
    }
  });

  it('keeps blobs on disk across a restart, and stop is idempotent', async () => {
    const dir = join(workDir, 'blobs');
    const tlsOpts = { key: ca.serverKeyPem, cert: ca.serverCertPem };
    const first = createMediaServer({ tls: tlsOpts, authToken: AUTH, dir });
    await first.start();
    const stored = await first.store('document', body);
    const uploaded = JSON.parse((await request(`${path}?auth=${AUTH}`, { method: 'POST', body, target: first })).body.toString());
    const port = Number(first.hostname.split(':')[1]);
    await Promise.all([first.stop(), first.stop()]);
    await first.stop();

    const second = createMediaServer({ tls: tlsOpts, authToken: AUTH, dir, port });
    await second.start();
    try {
      expect(second.stats).toMatchObject({ storedBlobs: 2, storedBytes: 2 * body.length });
      expect((await second.fetch(stored.directPath))?.equals(body)).toBe(true);
      const res = await request(uploaded.direct_path, { target: second });
      expect(res.status).toBe(200);
      expect(res.body.equals(body)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
