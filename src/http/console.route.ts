import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HTTP_REFUSALS, sendErrorReply } from './error-replies.ts';

/**
 * The web console (console/, built by `npm run build:console` into console/dist): its page at
 * `/console` and, for browsers, at `/`. API clients asking `GET /` (no `text/html` in Accept) keep
 * SUDEVWA's JSON answer. Files are read per request, so a rebuild shows without a restart.
 */
export const CONSOLE_PATH = '/console';
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
// Everything the page loads comes from this gateway: its scripts, its styles, its GraphQL socket;
// images are data: (QR codes) or blob: (media fetched with the token).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>wamux console</title><p>The web console is not built: run <code>npm run build:console</code> (<code>./wamux start</code> builds it when missing). The GraphQL API is at <a href="/graphql">/graphql</a>.</p>`;

/** Browsers navigating to a page send `text/html` in Accept; fetch, curl and SDKs do not. */
export function wantsHtml(accept: string | undefined): boolean {
  return !!accept && accept.toLowerCase().includes('text/html');
}

export function consoleRoutes(http: FastifyInstance, options: { dist?: string } = {}): void {
  const dist = options.dist ?? CONSOLE_DIST;
  const page = async (reply: FastifyReply) => {
    const html = await readFile(join(dist, 'index.html'), 'utf8').catch(() => undefined);
    void reply.header('content-security-policy', CSP).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
    return html === undefined ? reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT) : reply.type('text/html; charset=utf-8').send(html);
  };
  http.get(CONSOLE_PATH, (_req, reply) => page(reply));
  http.get(`${CONSOLE_PATH}/`, (_req, reply) => page(reply));
  http.get(`${CONSOLE_PATH}/*`, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    // Only plain names under dist/ with a known type: never a path that climbs out of it.
    const type = TYPES[extname(name)];
    if (!type || !/^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/.test(name) || name.includes('..')) return sendErrorReply(reply, HTTP_REFUSALS.consoleFileNotFound);
    const file = join(dist, name);
    if (!(await stat(file).catch(() => undefined))?.isFile()) return sendErrorReply(reply, HTTP_REFUSALS.consoleFileNotFound);
    // Vite puts a content hash in every asset's name: a new build means new names.
    return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(createReadStream(file));
  });
  // Before the routes (SUDEVWA's `GET /` included): a browser opening the gateway's address gets the console.
  http.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || (req.url !== '/' && !req.url.startsWith('/?'))) return;
    if (!wantsHtml(req.headers.accept)) return;
    return page(reply);
  });
}
