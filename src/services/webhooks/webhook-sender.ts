import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ForbiddenAddress, guardedLookup, isPrivateAddress } from '../shared/index.ts';

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type SendOutcome =
  | { ok: true; status: number }
  /** `retry: false` when trying again cannot help (a private address, a 4xx that is not about load). */
  | { ok: false; retry: boolean; error: string };

/** True for an http(s) URL whose host is a private/loopback IP literal or `localhost`. */
export function isPrivateTarget(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host);
  return host === 'localhost' || host.endsWith('.localhost');
}

const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/**
 * One POST, no redirects followed (a redirect could point anywhere), bounded by a timeout. The DNS
 * answer is checked at connect time, so a hostname that later resolves inward is still refused.
 */
export function postWebhook(rawUrl: string, body: Buffer, extraHeaders: Record<string, string>, opts: SendOptions): Promise<SendOutcome> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.resolve({ ok: false, retry: false, error: 'not a valid URL' });
  }
  if (!opts.allowPrivate && isIP(url.hostname.replace(/^\[|\]$/g, '')) && isPrivateTarget(url)) {
    return Promise.resolve({ ok: false, retry: false, error: `${url.hostname} is a private address (WEBHOOK_ALLOW_PRIVATE_URLS=false)` });
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': 'wamux-webhook',
    ...extraHeaders,
  };
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  const signal = AbortSignal.any(signals);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, signal, ...(opts.allowPrivate ? {} : { lookup: guardedLookup }) });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      // The answer's body is not used; it is drained so the connection can close.
      res.resume();
      if (status >= 200 && status < 300) return resolve({ ok: true, status });
      resolve({ ok: false, retry: status >= 500 || RETRYABLE_4XX.has(status) || status < 200, error: `HTTP ${status}` });
    });
    req.once('error', (err: Error & { code?: string }) => {
      if (err instanceof ForbiddenAddress || err.code === 'EFORBIDDENADDRESS') {
        return resolve({ ok: false, retry: false, error: `${url.hostname} resolves to a private address (WEBHOOK_ALLOW_PRIVATE_URLS=false)` });
      }
      if (signal.aborted) return resolve({ ok: false, retry: true, error: opts.signal?.aborted ? 'interrupted by shutdown' : `no answer within ${opts.timeoutMs} ms` });
      resolve({ ok: false, retry: true, error: err.code ?? err.message });
    });
    req.end(body);
  });
}
