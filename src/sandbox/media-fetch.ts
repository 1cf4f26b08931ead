import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { SandboxError } from './errors.ts';

const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
/** Public unicast only; ipaddr.js counts the deprecated IPv4-compatible ::/96 as unicast, so that goes too. */
function isPublic(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  return ip.range() === 'unicast' && !(ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE));
}

/**
 * Fetches media a phone sends by URL (`media.url` on the control API). Whoever may call the control
 * API chooses the URL, so by default only public addresses are fetched (the address is resolved once
 * and connected to as resolved, so a second DNS answer cannot swap it), and no redirect is followed.
 * `allowPrivate` is for a sandbox whose files are served on loopback (tests, local demos).
 */
export async function fetchPhoneMedia(rawUrl: string | undefined, allowPrivate: boolean): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(rawUrl ?? '');
  } catch {
    throw new SandboxError('INVALID_MEDIA', 'give media as base64 or an http(s) url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SandboxError('INVALID_MEDIA', 'give media as base64 or an http(s) url');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const address = isIP(host) ? host : await lookup(host).then((a) => a.address, () => undefined);
  if (!address) throw new SandboxError('MEDIA_FETCH_FAILED', `could not resolve ${host}`, 502);
  if (!allowPrivate && !isPublic(address)) {
    throw new SandboxError('MEDIA_URL_FORBIDDEN', `${host} is a private, loopback or reserved address; start the sandbox with SANDBOX_ALLOW_PRIVATE_MEDIA_URLS=true to allow it`, 400);
  }
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // Connect to the checked address; the Host header and TLS name stay the URL's.
    const req = request(url, { lookup: (_h, opts, cb) => (opts.all ? cb(null, [{ address, family: isIP(address) }] as never, 0) : cb(null, address, isIP(address))), timeout: 30_000 });
    req.once('response', resolve);
    req.once('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.once('error', (err) => reject(new SandboxError('MEDIA_FETCH_FAILED', `could not fetch ${url}: ${err.message}`, 502)));
    req.end();
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new SandboxError('MEDIA_FETCH_FAILED', `fetching ${url} answered ${res.statusCode} (redirects are not followed)`, 502);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MEDIA_BYTES) {
      res.destroy();
      throw new SandboxError('MEDIA_TOO_LARGE', 'media is larger than 100 MB', 413);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
