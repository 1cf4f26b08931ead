/**
 * The media benchmark (issue 6): 50 uploads of 10 MB each, sent at once through the gateway's
 * GraphQL multipart endpoint (`sendMedia`, kind DOCUMENT) to a sandbox phone. The point is memory:
 * uploads stream to temp files and on into Baileys, so the gateway's peak RSS must stay far below
 * the 500 MB in flight.
 *
 * The gateway runs as `WA_SANDBOX=true npm start` would, in its own process (its in-process sandbox
 * and PGlite included); its RSS is sampled from /proc every 20 ms while the uploads run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { mib, sampleProcess } from './lib/proc-stats.ts';
import { REPO_ROOT } from './lib/sandbox-process.ts';
import { sleep } from './lib/stats.ts';

const BENCH = 'media';
const UPLOADS = Number(process.env.BENCH_MEDIA_UPLOADS ?? 50);
const UPLOAD_MB = Number(process.env.BENCH_MEDIA_MB ?? 10);
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const ME = '15559900001';
const PEER = '15559900002';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

class Gateway {
  readonly url: string;
  token = '';
  constructor(url: string) {
    this.url = url;
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.map((e) => e.message).join('; ') ?? res.status}`);
    return body.data;
  }

  async control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** One sendMedia as a GraphQL multipart request: operations, map, then the file part. */
  async upload(instanceId: string, file: Blob, fileName: string): Promise<void> {
    const form = new FormData();
    const query = 'mutation($input: SendMediaInput!) { sendMedia(input: $input) { messageId } }';
    form.append('operations', JSON.stringify({ query, variables: { input: { instanceId, to: PEER, kind: 'DOCUMENT', fileName, file: null } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', file, fileName);
    const res = await fetch(`${this.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form });
    const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (body.errors?.length) throw new Error(`${body.errors[0]!.extensions?.code}: ${body.errors[0]!.message}`);
  }
}

async function link(ctx: BenchContext, gw: Gateway): Promise<string> {
  await gw.control('POST', '/phones', { phoneNumber: ME, pushName: 'Bench' });
  await gw.control('POST', '/phones', { phoneNumber: PEER, pushName: 'Peer' });
  const { createInstance } = await gw.graphql<{ createInstance: { id: string } }>('mutation { createInstance(input: { name: "bench-media" }) { id } }');
  const id = createInstance.id;
  await gw.graphql('mutation($id: ID!) { connectInstance(id: $id) { status } }', { id });
  const deadline = Date.now() + 30_000;
  let scanned = false;
  for (;;) {
    const { instance } = await gw.graphql<{ instance: { status: string; qr: { code: string } | null } }>('query($id: ID!) { instance(id: $id) { status qr { code } } }', { id });
    if (instance.status === 'ONLINE') return id;
    if (!scanned && instance.qr) {
      await gw.control('POST', `/phones/${ME}/scan`, { qr: instance.qr.code });
      scanned = true;
    }
    if (Date.now() > deadline) throw new Error(`the instance did not come online (status ${instance.status})`);
    await sleep(100, ctx.signal);
  }
}

export const mediaBenchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-media-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        WA_SANDBOX: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        RATE_LIMIT_RPS: '100000',
        RATE_LIMIT_BURST: '100000',
        SEND_RATE_LIMIT_PER_MINUTE: '100000',
        // Pacing off: the bench measures the gateway's cost per send, not the anti-ban spacing.
        SEND_RATE_PER_MINUTE: '1000000',
        SEND_JITTER_MS: '0',
        SEND_MIN_GAP_PER_RECIPIENT_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const gw = new Gateway(`http://127.0.0.1:${port}`);
    try {
      for (const deadline = Date.now() + 60_000; ; ) {
        const ok = await fetch(`${gw.url}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the gateway did not start: ${stderr.join('').slice(-2_000)}`);
        await sleep(200, ctx.signal);
      }
      gw.token = (await gw.graphql<{ login: { accessToken: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }', { u: ADMIN.username, p: ADMIN.password })).login.accessToken;
      const instanceId = await link(ctx, gw);
      ctx.log(`${BENCH}: instance online; sending ${UPLOADS} × ${UPLOAD_MB} MB at once`);

      // One 10 MB document, shared by every request (the bench's own memory is not what is measured).
      const file = new Blob([Buffer.from('%PDF-1.7\n'), new Uint8Array(randomBytes(UPLOAD_MB * 1024 * 1024 - 9))]);
      const before = await sampleProcess(child.pid!);
      let peak = before.rssBytes;
      const sampler = setInterval(() => {
        void sampleProcess(child.pid!).then((s) => (peak = Math.max(peak, s.rssBytes)), () => undefined);
      }, 20);
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: UPLOADS }, (_, i) => gw.upload(instanceId, file, `bench-${i}.pdf`)));
      const seconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      const after = await sampleProcess(child.pid!);
      peak = Math.max(peak, after.rssBytes);
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
      if (failures.length) ctx.log(`${BENCH}: ${failures.length} upload(s) failed, first: ${failures[0]}`);

      const received = (await gw.control<Array<{ type: string; fileName?: string }>>('GET', `/phones/${PEER}/messages`)).filter((m) => m.type === 'document' && m.fileName?.startsWith('bench-')).length;
      const leftover = (await readdir(join(dataDir, 'tmp')).catch(() => [])).length;
      const payloadMiB = (UPLOADS * UPLOAD_MB * 1024 * 1024) / 2 ** 20;
      const growth = mib(peak - before.rssBytes);
      return [
        { bench: BENCH, metric: 'uploads sent', value: UPLOADS - failures.length, unit: 'count', target: `= ${UPLOADS}`, met: failures.length === 0, note: `${UPLOAD_MB} MB each, all at once, multipart sendMedia (DOCUMENT)` },
        { bench: BENCH, metric: 'delivered to the phone', value: received, unit: 'count', target: `= ${UPLOADS}`, met: received === UPLOADS },
        { bench: BENCH, metric: 'gateway RSS before', value: mib(before.rssBytes), unit: 'MiB', note: `idle: gateway + in-process sandbox + ${process.env.DATABASE_URL ? 'PostgreSQL client' : 'embedded PGlite'}` },
        { bench: BENCH, metric: 'gateway peak RSS', value: mib(peak), unit: 'MiB', note: `sampled every 20 ms, idle baseline included; ${Math.round(payloadMiB)} MiB were in flight` },
        {
          bench: BENCH,
          metric: 'peak RSS growth',
          value: growth,
          unit: 'MiB',
          target: `< ${Math.round(payloadMiB / 2)}`,
          met: growth < payloadMiB / 2,
          note: `peak minus idle, the sandbox's media server receiving it all in the same process included; buffering would cost ≥ ${Math.round(payloadMiB)}`,
        },
        { bench: BENCH, metric: 'wall time', value: seconds, unit: 's', note: `${(payloadMiB / seconds).toFixed(0)} MiB/s through staging, encryption and upload to the sandbox media server` },
        { bench: BENCH, metric: 'temp files left', value: leftover, unit: 'count', target: '= 0', met: leftover === 0, note: 'DATA_DIR/tmp after the run' },
      ] satisfies BenchRow[];
    } finally {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
