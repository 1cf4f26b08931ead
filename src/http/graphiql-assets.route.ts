import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HTTP_REFUSALS, sendErrorReply } from './error-replies.ts';

/**
 * GraphiQL's own files (the `@graphql-yoga/graphiql` bundle, its CSS and Monaco's workers), served
 * by the gateway under `/graphiql/`: the page works on an air-gapped host, where Yoga's stock page,
 * which loads them from a CDN, stays blank.
 */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

const require = createRequire(import.meta.url);
const DIST = join(dirname(require.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && TYPES[extname(e.name)]).map((e) => relative(DIST, join(e.parentPath, e.name)));
}

export async function graphiqlAssetsRoute(http: FastifyInstance): Promise<void> {
  // Only the files the package ships are served: the request path is looked up, never joined blindly.
  const files = new Set(await listFiles(DIST));
  http.get(`${GRAPHIQL_ASSETS_PATH}*`, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    if (!files.has(name)) return sendErrorReply(reply, HTTP_REFUSALS.graphiqlAssetNotFound);
    return reply
      .type(TYPES[extname(name)]!)
      .header('cache-control', 'public, max-age=86400')
      .send(createReadStream(join(DIST, name)));
  });
}
