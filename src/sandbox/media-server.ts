import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { MEDIA_PATH_MAP, type MediaType } from '@whiskeysockets/baileys';
import { diskStore, memoryStore, } from './media-store.ts';

/**
 * The sandbox's media host (WhatsApp's mmg.whatsapp.net): an HTTPS server that takes exactly what
 * Baileys' `getWAUploadToServer` sends and serves what `downloadContentFromMessage` fetches.
 *
 * Upload (lib/Utils/messages-media.js): `POST https://<media_conn host><MEDIA_PATH_MAP[type]>/<hash>
 * ?auth=<media_conn auth>&token=<hash>`, where <hash> is the SHA-256 of the body in unpadded base64url,
 * and the body is the file exactly as stored (encrypted media + 10-byte MAC; raw bytes for newsletter
 * and cover-photo uploads). Baileys keeps `url`, `direct_path`, `meta_hmac`, `fbid` and `ts` from the
 * JSON answer; a message carries `url` and `directPath`; the cover-photo iq sends `fbid`, `meta_hmac`, `ts`.
 * Download: `GET https://<host of url><directPath>` (or `url` itself when a message has no directPath),
 * with `Range` for partial downloads.
 */
export interface MediaServerOptions {
  tls: { key: string | Buffer; cert: string | Buffer };
  /** The `auth` a client must present; hand the same value out in the `media_conn` iq. Random if omitted. */
  authToken?: string;
  host?: string;
  /** 0 (default) picks a free port. A persisted sandbox passes its old port: messages keep their `url` host. */
  port?: number;
  /** Larger uploads get 413 (WhatsApp's media_conn advertises its limit; Baileys does not check it). */
  maxUploadBytes?: number;
  /** In-memory store bound; the oldest blobs are evicted past it. Ignored with `dir`. */
  maxMemoryBytes?: number;
  /** Keep blobs in files here instead of memory, so media survives a sandbox restart. Not bounded. */
  dir?: string;
}

export interface StoredMedia {
  url: string;
  directPath: string;
}

export interface MediaServerStats {
  uploads: number;
  downloads: number;
  storedBlobs: number;
  storedBytes: number;
  /** Blobs dropped by the memory bound. */
  evicted: number;
  rejected: { unauthorized: number; tooLarge: number; notFound: number; badRequest: number };
}

export interface MediaServer {
  start(): Promise<void>;
  /** Idempotent; drops open connections. The server cannot be started again. */
  stop(): Promise<void>;
  /** `host:port` for `media_conn`'s `<host hostname>`; throws before `start()`. */
  readonly hostname: string;
  readonly authToken: string;
  readonly maxUploadBytes: number;
  /** Stores an already encrypted blob (for the sandbox's own phones), as an upload would. */
  store(mediaType: MediaType, bytes: Uint8Array): Promise<StoredMedia>;
  /** The stored blob for a `directPath` or a full `url`; undefined when unknown. */
  fetch(directPathOrUrl: string): Promise<Buffer | undefined>;
  readonly stats: MediaServerStats;
}

const MiB = 1024 * 1024;
/** Upload prefixes Baileys uses (`md-app-state` uploads to the bare root); reversed so the first type per path wins. */
const UPLOAD_PREFIXES = new Map<string, MediaType>(
  (Object.entries(MEDIA_PATH_MAP) as [MediaType, string][]).reverse().map(([type, path]) => [path, type]),
);
/** Path segment per type, as in WhatsApp's CDN paths; only the last segment (the id) is looked up. */
const CDN_SEGMENT: Partial<Record<MediaType, string>> = {
  image: 't62.7118-24', sticker: 't62.15575-24', video: 't62.7161-24', audio: 't62.7117-24', document: 't62.7119-24',
};
const ID = /^[A-Za-z0-9_-]{22}$/;
/** How long the rest of a rejected upload is read and dropped before the connection is cut (see `reject`). */
const DRAIN_LIMIT_MS = 10_000;

export function createMediaServer(options: MediaServerOptions): MediaServer {
  const host = options.host ?? '127.0.0.1';
  const authToken = options.authToken ?? randomBytes(24).toString('base64url');
  const maxUploadBytes = options.maxUploadBytes ?? 120 * MiB;
  const blobs = options.dir ? diskStore(options.dir) : memoryStore(options.maxMemoryBytes ?? 512 * MiB);
  // Only gives `meta_hmac` a realistic shape; nothing checks it.
  const hmacKey = randomBytes(32);
  const counters = { uploads: 0, downloads: 0, rejected: { unauthorized: 0, tooLarge: 0, notFound: 0, badRequest: 0 } };
  let hostname: string | undefined;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'internal', message: String(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://media.invalid');
    res.setHeader('Access-Control-Allow-Origin', '*');
    switch (req.method) {
      case 'POST':
        return upload(req, res, url);
      case 'GET':
      case 'HEAD':
        return download(req, res, url);
      case 'OPTIONS':
        res.writeHead(204, {
          Allow: 'GET, HEAD, POST, OPTIONS',
          'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type, Range, Origin',
          'Access-Control-Max-Age': '86400',
        });
        res.end();
        return;
      default:
        res.setHeader('Allow', 'GET, HEAD, POST, OPTIONS');
        return reject(req, res, 405, 'method not allowed');
    }
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, prefix, encodedHash] = /^(.*)\/([A-Za-z0-9_-]{43})$/.exec(url.pathname) ?? [];
    const mediaType = prefix === undefined ? undefined : UPLOAD_PREFIXES.get(prefix);
    if (!mediaType || encodedHash === undefined) {
      counters.rejected.notFound++;
      return reject(req, res, 404, 'unknown upload path');
    }
    if (!sameSecret(url.searchParams.get('auth') ?? '', authToken)) {
      counters.rejected.unauthorized++;
      return reject(req, res, 401, 'bad auth');
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxUploadBytes) {
      counters.rejected.tooLarge++;
      return reject(req, res, 413, `upload exceeds ${maxUploadBytes} bytes`);
    }

    // Stream the body: count (chunked uploads have no length up front), hash, and hand to the store.
    const expected = Buffer.from(encodedHash, 'base64url');
    const hash = createHash('sha256');
    const sink = blobs.begin();
    let size = 0;
    let tooLarge = false;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        // Past the limit the loop keeps reading (and dropping) instead of breaking out: leaving a
        // for-await destroys the request, and the client would see a reset rather than the 413.
        if (tooLarge) continue;
        size += chunk.length;
        if (size > maxUploadBytes) {
          tooLarge = true;
          counters.rejected.tooLarge++;
          await sink.abort();
          json(res, 413, { error: `upload exceeds ${maxUploadBytes} bytes` });
          cutOffLater(req);
          continue;
        }
        hash.update(chunk);
        await sink.write(chunk);
      }
    } catch {
      // The client went away mid-upload, or was cut off after the 413: nobody is left to answer.
      await sink.abort();
      return;
    }
    if (tooLarge) return;
    // WhatsApp files uploads under the hash of their bytes; a mismatch means a corrupted or wrong body.
    if (!hash.digest().equals(expected)) {
      counters.rejected.badRequest++;
      await sink.abort();
      return json(res, 400, { error: 'hash mismatch' });
    }
    const id = newId();
    await sink.commit(id);
    counters.uploads++;
    const ref = refFor(mediaType, id);
    json(res, 200, {
      url: ref.url,
      direct_path: ref.directPath,
      handle: id,
      object_id: id,
      meta_hmac: createHmac('sha256', hmacKey).update(id).digest('base64'),
      fbid: Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 12), 16),
      ts: Math.floor(Date.now() / 1000),
    });
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = idOf(url.pathname);
    const blob = id ? await blobs.lookup(id) : undefined;
    if (!blob) {
      counters.rejected.notFound++;
      return reject(req, res, 404, 'not found');
    }
    const { size } = blob;
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    counters.downloads++;
    await pipeline(blob.read(start, end), res);
  }

  function refFor(mediaType: MediaType, id: string): StoredMedia {
    // `oe` is the expiry WhatsApp stamps on CDN paths; here it is shape only (ids are 128-bit random).
    const oe = Math.floor(Date.now() / 1000 + 14 * 86_400).toString(16).toUpperCase();
    const directPath = `/v/${CDN_SEGMENT[mediaType] ?? 't62.7114-24'}/${id}?ccb=11-4&oe=${oe}&_nc_sid=5e03e0`;
    return { directPath, url: `https://${serverHostname()}${directPath}&mms3=true` };
  }

  function serverHostname(): string {
    if (!hostname) throw new Error('media server is not started');
    return hostname;
  }

  return {
    start: () =>
      (starting ??= (async () => {
        if (stopping) throw new Error('media server was stopped');
        await blobs.init();
        server.listen(options.port ?? 0, host);
        await once(server, 'listening');
        const { port } = server.address() as AddressInfo;
        hostname = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      })()),
    stop: () =>
      (stopping ??= (async () => {
        await starting?.catch(() => undefined);
        if (!server.listening) return;
        const closed = once(server, 'close');
        server.close();
        server.closeAllConnections();
        await closed;
      })()),
    get hostname() {
      return serverHostname();
    },
    authToken,
    maxUploadBytes,
    async store(mediaType, bytes) {
      serverHostname(); // fail before storing anything: the answer needs the host
      const id = newId();
      // A copy: the caller may reuse its buffer, and a stored blob must not change under a reader.
      await blobs.put(id, Buffer.from(bytes));
      return refFor(mediaType, id);
    },
    async fetch(directPathOrUrl) {
      const id = idOf(new URL(directPathOrUrl, 'https://media.invalid').pathname);
      return id ? blobs.get(id) : undefined;
    },
    get stats() {
      return { ...counters, rejected: { ...counters.rejected }, ...blobs.stats() };
    },
  };
}

const newId = () => randomBytes(16).toString('base64url');

/** `/v/<segment>/<id>` (what `store`/upload hand out); anything else is unknown. */
function idOf(pathname: string): string | undefined {
  const id = /^\/v\/[^/]+\/([^/]+)$/.exec(pathname)?.[1];
  return id !== undefined && ID.test(id) ? id : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; multi-range requests get the whole blob. */
function parseRange(header: string | undefined, size: number): [number, number] | 'invalid' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [start, end] =
    m[1] === ''
      ? [Math.max(0, size - Number(m[2])), size - 1] // suffix: the last n bytes
      : [Number(m[1]), m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
  return start > end || start >= size ? 'invalid' : [start, end];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * Answers an error while the client may still be sending. Closing at once would make the kernel reset
 * the connection over the unread body and the client would see ECONNRESET instead of the status, so
 * the rest of the body is read and dropped; a client that keeps sending is cut off after a while.
 */
function reject(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  json(res, status, { error });
  if (req.complete) return;
  cutOffLater(req);
  req.resume();
}

function cutOffLater(req: IncomingMessage): void {
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_LIMIT_MS).unref();
  req.once('close', () => clearTimeout(timer)); // 'close' = body fully read (or connection gone)
}
