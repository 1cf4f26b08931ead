import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, ForbiddenAddress, guardedLookup, isPrivateAddress } from '../../shared/index.ts';
import { SNIFF_BYTES } from './sniff.ts';

/** A media file staged on disk: held whole in memory never, removed by `discard()` (also on failure). */
export interface StagedFile {
  path: string;
  size: number;
  /** The first bytes, for sniffing. */
  head: Buffer;
  /** A name the source suggested (upload file name, URL path). */
  suggestedName: string | undefined;
  discard(): Promise<void>;
}

export interface UrlOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxRedirects: number;
}

const tooLarge = (limit: number) =>
  new DomainError('MEDIA_TOO_LARGE', `media is larger than the ${Math.round(limit / 1024 / 1024)} MB allowed for its kind`, { limitBytes: limit });

/** Streams into a temp file, counting as it goes: past `limitBytes` it stops at once and removes the file. */
export async function stageStream(source: Readable, dir: string, limitBytes: number, suggestedName?: string): Promise<StagedFile> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.part`);
  const discard = () => rm(path, { force: true });
  let size = 0;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limitBytes) return done(tooLarge(limitBytes));
      if (headLength < SNIFF_BYTES) {
        headChunks.push(chunk.subarray(0, SNIFF_BYTES - headLength));
        headLength += Math.min(chunk.length, SNIFF_BYTES - headLength);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path));
  } catch (err) {
    await discard();
    if (err instanceof DomainError) throw err;
    throw new DomainError('MEDIA_FETCH_FAILED', `reading the media failed: ${(err as Error).message}`);
  }
  if (size === 0) {
    await discard();
    throw new DomainError('MEDIA_EMPTY', 'media is empty');
  }
  return { path, size, head: Buffer.concat(headChunks), suggestedName, discard };
}

/** Downloads an http(s) URL into a temp file: timeout, redirect cap, size cap while streaming, no private addresses. */
export async function stageUrl(rawUrl: string, dir: string, limitBytes: number, opts: UrlOptions): Promise<StagedFile> {
  let url = parseUrl(rawUrl);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  for (let redirects = 0; ; redirects++) {
    const res = await get(url, opts, signal);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (redirects >= opts.maxRedirects) throw new DomainError('MEDIA_FETCH_FAILED', `more than ${opts.maxRedirects} redirects`, { url: rawUrl });
      url = parseUrl(new URL(res.headers.location, url).toString());
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new DomainError('MEDIA_FETCH_FAILED', `the media URL answered HTTP ${status}`, { url: rawUrl, status });
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      res.destroy();
      throw tooLarge(limitBytes);
    }
    const name = decodeURIComponent(basename(url.pathname)) || undefined;
    try {
      return await stageStream(res, dir, limitBytes, name);
    } catch (err) {
      if (signal.aborted) throw new DomainError('MEDIA_FETCH_FAILED', `downloading the media took longer than ${opts.timeoutMs} ms`, { url: rawUrl });
      throw err;
    }
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('MEDIA_URL_INVALID', 'not a valid URL', { url: raw });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DomainError('MEDIA_URL_INVALID', 'only http and https URLs are fetched', { url: raw });
  if (url.username || url.password) throw new DomainError('MEDIA_URL_INVALID', 'URLs with credentials are not fetched', { url: url.host });
  return url;
}

function get(url: URL, opts: UrlOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // IP literals never go through DNS, so the lookup guard would not see them.
  if (!opts.allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.reject(forbidden(url));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', signal, headers: { 'user-agent': 'wamux-media-fetch' }, ...(opts.allowPrivate ? {} : { lookup: guardedLookup }) });
    req.once('response', resolve);
    req.once('error', (err: Error & { code?: string }) => {
      if (err instanceof ForbiddenAddress || err.code === 'EFORBIDDENADDRESS') return reject(forbidden(url));
      if (signal.aborted) return reject(new DomainError('MEDIA_FETCH_FAILED', `the media URL did not answer within ${opts.timeoutMs} ms`, { url: url.toString() }));
      reject(new DomainError('MEDIA_FETCH_FAILED', `could not fetch the media URL: ${err.code ?? err.message}`, { url: url.toString() }));
    });
    req.end();
  });
}

const forbidden = (url: URL) =>
  new DomainError('MEDIA_URL_FORBIDDEN', `${url.hostname} resolves to a private, loopback or link-local address; set MEDIA_ALLOW_PRIVATE_URLS=true to allow it`, { url: url.toString() });
