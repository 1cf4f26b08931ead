import { createDecipheriv } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { pipeline, Transform, type Readable } from 'node:stream';
import { DEFAULT_ORIGIN, getMediaKeys, normalizeMessageContent, proto, type MediaType, type WAMessage } from '@whiskeysockets/baileys';
import type { ReceivedMediaRecord } from '../../../db/received-media.repository.ts';
import { ForbiddenAddress, guardedLookup } from '../../shared/address-guard.ts';

const MEDIA_CONTENT = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'ptv'],
  ['audioMessage', 'audio'],
  ['documentMessage', 'document'],
  ['stickerMessage', 'sticker'],
] as const;

type MediaFields = {
  mediaKey?: Uint8Array | null;
  directPath?: string | null;
  url?: string | null;
  mimetype?: string | null;
  fileLength?: number | { toNumber(): number } | null;
  fileName?: string | null;
};

/** The keys and path of a media message (received, or sent as Baileys returned it), or undefined when it carries none. */
export function mediaReferenceOf(instanceId: string, msg: WAMessage): ReceivedMediaRecord | undefined {
  const content = normalizeMessageContent(msg.message);
  const doc = content?.documentWithCaptionMessage?.message?.documentMessage;
  for (const [field, mediaType] of MEDIA_CONTENT) {
    const media = (field === 'documentMessage' ? (content?.documentMessage ?? doc) : content?.[field]) as MediaFields | null | undefined;
    if (!media?.mediaKey || (!media.directPath && !media.url)) continue;
    const length = media.fileLength;
    return {
      instanceId,
      messageId: msg.key.id!,
      mediaType,
      mimeType: media.mimetype ?? 'application/octet-stream',
      fileLength: length == null ? null : typeof length === 'number' ? length : length.toNumber(),
      fileName: media.fileName ?? null,
      mediaKey: Buffer.from(media.mediaKey),
      directPath: media.directPath ?? null,
      url: media.url ?? null,
      // Unwrapped (ephemeral, view-once, document with caption): the media field alone, as a forward sends it.
      message: proto.Message.encode({ [field]: media }).finish(),
    };
  }
  return undefined;
}

/** Where received media may come from. `sandboxHost` (`host:port`) is the sandbox's media server, in sandbox mode only. */
export interface MediaHosts {
  sandboxHost?: string | undefined;
}

/** A media reference that points anywhere but WhatsApp's media servers (a contact chose it). */
export class UntrustedMediaSource extends Error {}

// WhatsApp's media CDN: mmg.whatsapp.net and the other *.whatsapp.net / *.fbcdn.net hosts Baileys is handed.
const WHATSAPP_MEDIA_HOST = /^(?:[a-z0-9-]+\.)+(?:whatsapp\.net|fbcdn\.net)$/;
const DEFAULT_MEDIA_HOST = 'mmg.whatsapp.net';

const isMediaHost = (url: URL, hosts: MediaHosts) =>
  url.protocol === 'https:' && !url.username && !url.password && ((!!hosts.sandboxHost && url.host === hosts.sandboxHost) || (url.port === '' && WHATSAPP_MEDIA_HOST.test(url.hostname)));

const parse = (raw: string): URL | undefined => {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
};

/**
 * The one URL a received reference is fetched from. `url` and `directPath` are whatever the sender's
 * message carried, so both are checked: the host must be WhatsApp's media CDN (or the sandbox's), the
 * scheme https; a `directPath` is rebuilt onto such a host (the one in `url` if that one qualifies).
 */
export function mediaDownloadUrl(ref: Pick<ReceivedMediaRecord, 'url' | 'directPath'>, hosts: MediaHosts): URL {
  const given = ref.url ? parse(ref.url) : undefined;
  const trustedGiven = given && isMediaHost(given, hosts) ? given : undefined;
  // A path only: "@evil/x" or "//evil/x" would move the host.
  const path = ref.directPath && /^\/(?!\/)[^@\\\s]*$/.test(ref.directPath) ? ref.directPath : undefined;
  const url = path ? parse(`https://${trustedGiven?.host ?? DEFAULT_MEDIA_HOST}${path}`) : trustedGiven;
  if (!url || !isMediaHost(url, hosts)) throw new UntrustedMediaSource('the message points its media outside WhatsApp’s media servers');
  return url;
}

/**
 * Fetches the encrypted blob from WhatsApp's media server and decrypts it as it streams. No
 * redirects are followed, and the connection is refused at DNS time when a media host name resolves
 * to a private or loopback address (the sandbox's own media host, loopback by design, excepted).
 */
export async function openMediaStream(ref: ReceivedMediaRecord, hosts: MediaHosts): Promise<Readable> {
  const url = mediaDownloadUrl(ref, hosts);
  const keys = await getMediaKeys(ref.mediaKey, ref.mediaType as MediaType);
  const res = await get(url, url.host !== hosts.sandboxHost);
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    res.resume();
    throw new Error(status >= 300 && status < 400 ? `the media server redirected (HTTP ${status}); redirects are not followed` : `the media server answered HTTP ${status}`);
  }
  // pipeline, not pipe: a connection that breaks mid-file errors the stream the client reads.
  return pipeline(res, decrypt(keys.cipherKey, keys.iv), () => undefined);
}

function get(url: URL, guarded: boolean): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { origin: DEFAULT_ORIGIN }, timeout: 30_000, ...(guarded ? { lookup: guardedLookup } : {}) });
    req.once('response', resolve);
    req.once('timeout', () => req.destroy(new Error('the media server did not answer within 30 s')));
    req.once('error', (err: Error & { code?: string }) =>
      reject(err instanceof ForbiddenAddress || err.code === 'EFORBIDDENADDRESS' ? new UntrustedMediaSource(`${url.hostname} resolves to a private address`) : err),
    );
    req.end();
  });
}

/**
 * WhatsApp's media encryption: AES-256-CBC over the file, then a 10-byte MAC. Decrypted in 16-byte
 * blocks as they arrive; the trailing MAC is never fed to the cipher (as Baileys does it).
 */
function decrypt(cipherKey: Uint8Array, iv: Uint8Array): Transform {
  const MAC_BYTES = 10;
  const aes = createDecipheriv('aes-256-cbc', cipherKey, iv);
  let held: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      held = held.length ? Buffer.concat([held, chunk]) : chunk;
      // Keep the last bytes back until the end: they may be the MAC.
      const usable = Math.max(0, held.length - MAC_BYTES);
      const blocks = usable - (usable % 16);
      try {
        this.push(aes.update(held.subarray(0, blocks)));
      } catch (err) {
        return done(err as Error);
      }
      held = held.subarray(blocks);
      done();
    },
    flush(done) {
      try {
        // What is left: the last partial block(s) before the MAC, if any, then the MAC itself.
        this.push(aes.update(held.subarray(0, held.length - MAC_BYTES)));
        this.push(aes.final());
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}
