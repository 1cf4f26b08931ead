import { randomBytes } from 'node:crypto';
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../helpers/sandbox.ts';
import type { TestCompanion } from '../helpers/companion.ts';

let t: Awaited<ReturnType<typeof startTestSandbox>>;
let companion: TestCompanion;
const ME = '15550400001';
const PEER = '15550400002';

beforeAll(async () => {
  // The URL test serves its file on loopback, which a sandbox refuses unless told (media-fetch.ts).
  t = await startTestSandbox({ allowPrivateMediaUrls: true });
  t.sandbox.createPhone({ phoneNumber: ME, pushName: 'Me' });
  t.sandbox.createPhone({ phoneNumber: PEER, pushName: 'Peer' });
  companion = await t.link(ME);
});
afterAll(() => t.stop());

// Random payloads behind a real magic number: byte-exact round trips prove encryption, upload and download.
const samples = {
  image: { bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(40_000)]), mimeType: 'image/jpeg' },
  video: { bytes: Buffer.concat([Buffer.from('000000186674797069736f6d', 'hex'), randomBytes(300_000)]), mimeType: 'video/mp4' },
  audio: { bytes: Buffer.concat([Buffer.from('ID3'), randomBytes(60_000)]), mimeType: 'audio/mpeg' },
  voice: { bytes: Buffer.concat([Buffer.from('OggS'), randomBytes(20_000)]), mimeType: 'audio/ogg; codecs=opus' },
  document: { bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(120_000)]), mimeType: 'application/pdf' },
};

describe('media both ways between real Baileys and a sandbox phone', () => {
  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s: companion -> phone, byte-exact', async (kind) => {
    const { bytes, mimeType } = samples[kind];
    const content =
      kind === 'image' ? { image: bytes, caption: 'an image', mimetype: mimeType }
      : kind === 'video' ? { video: bytes, caption: 'a video', mimetype: mimeType }
      : kind === 'audio' ? { audio: bytes, mimetype: mimeType }
      : kind === 'voice' ? { audio: bytes, mimetype: mimeType, ptt: true }
      : { document: bytes, mimetype: mimeType, fileName: 'report.pdf', caption: 'the report' };
    const sent = await companion.sock.sendMessage(`${PEER}@s.whatsapp.net`, content);
    const got = await t.sandbox.waitForMessage(PEER, (m) => m.id === sent!.key.id);
    expect(got.type).toBe(kind);
    expect(got.mimeType).toBe(mimeType);
    if (kind === 'document') expect(got).toMatchObject({ fileName: 'report.pdf', caption: 'the report' });
    const downloaded = await t.sandbox.downloadMedia(PEER, got.id);
    expect(downloaded.bytes.equals(bytes)).toBe(true);
  });

  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s: phone -> companion, byte-exact', async (kind) => {
    const { bytes, mimeType } = samples[kind];
    const upsert = companion.next('messages.upsert', (u) => u.messages.some((m) => !m.key.fromMe && !!m.message && !m.message.protocolMessage));
    const id = await t.sandbox.sendMedia(PEER, ME, { kind, base64: bytes.toString('base64'), mimeType, fileName: 'f.bin', caption: 'cap' });
    const msg = (await upsert).messages.find((m) => m.key.id === id) as WAMessage;
    expect(msg).toBeDefined();
    const key = kind === 'voice' ? 'audioMessage' : `${kind}Message`;
    expect(msg.message?.[key as 'imageMessage']).toBeTruthy();
    if (kind === 'voice') expect(msg.message?.audioMessage?.ptt).toBe(true);
    const downloaded = (await downloadMediaMessage(msg, 'buffer', {})) as Buffer;
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('sends media from a URL given to the control API', async () => {
    const http = await import('node:http');
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(5_000)]);
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const upsert = companion.next('messages.upsert', (u) => u.messages.some((m) => !!m.message?.imageMessage));
      const res = await fetch(`${t.sandbox.info.controlUrl}/phones/${PEER}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: ME, media: { kind: 'image', url: `http://127.0.0.1:${port}/x.png`, mimeType: 'image/png' } }),
      });
      expect(res.status).toBe(201);
      const msg = (await upsert).messages.find((m) => !!m.message?.imageMessage)!;
      expect(((await downloadMediaMessage(msg, 'buffer', {})) as Buffer).equals(png)).toBe(true);
    } finally {
      server.close();
    }
  });
});
