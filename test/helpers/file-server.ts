import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one path answers: a file, a redirect, or a bare status. */
export type ServedFile = { body: Buffer; type?: string } | { redirect: string } | { status: number };

export interface FileServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Path → answer; tests add to it as they go. Anything else is 404. */
  files: Map<string, ServedFile>;
  /** Requests per path so far, answered or not. */
  hits(path: string): number;
  /** Requests so far, all paths. */
  readonly requests: number;
  close(): Promise<void>;
}

/** A plain HTTP server on loopback for media-URL tests: the gateway fetches what a test puts here. */
export async function serveFiles(initial: Record<string, ServedFile> = {}): Promise<FileServer> {
  const files = new Map(Object.entries(initial));
  const hits = new Map<string, number>();
  let requests = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests++;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const entry = files.get(path);
    if (!entry) return void res.writeHead(404).end();
    if ('redirect' in entry) return void res.writeHead(302, { location: entry.redirect }).end();
    if ('status' in entry) return void res.writeHead(entry.status).end();
    res.writeHead(200, { 'content-type': entry.type ?? 'application/octet-stream' }).end(entry.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    files,
    hits: (path) => hits.get(path) ?? 0,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
