/**
 * The processes the gateway benchmark drives the same way: wamux (src/main.ts, through its public
 * GraphQL API), wamux with its message ledger off (the same, MESSAGE_LEDGER=off: what the ledger
 * costs) and bare Baileys (bare-gateway.ts, through its thin HTTP front). Each is started on a
 * state of its own and restarted on it; the bench sees only this interface.
 */
import { fileURLToPath } from 'node:url';
import type { ControlClient } from './control-client.ts';
import { GatewayClient } from './gateway-client.ts';
import { startGatewayProcess, UNTHROTTLED_ENV, type GatewayProcess } from './gateway-process.ts';
import type { SandboxEndpoint } from './sandbox-process.ts';
import { sleep } from './stats.ts';

export type SubjectKind = 'wamux' | 'wamux-no-ledger' | 'bare';

export interface Subject {
  readonly kind: SubjectKind;
  readonly process: GatewayProcess;
  /** A new instance linked by `phone` scanning its QR; resolves with its id once it is online. */
  link(phone: string, name: string): Promise<string>;
  sendText(instanceId: string, to: string, text: string): Promise<void>;
  /** Calls `onMessage` for every message any instance receives; resolves once listening. */
  onReceived(onMessage: () => void): Promise<() => void>;
  /** How many instances are online (after a restart, as they come back). */
  online(): Promise<number>;
  /** Ends the bench's connections (not the process). */
  close(): Promise<void>;
  /** wamux: the bench's access token, good for a restart on the same state (see SubjectSetup.accessToken). */
  readonly accessToken?: string;
}

export interface SubjectSetup {
  sandbox: SandboxEndpoint;
  control: ControlClient;
  /** wamux: the gateway's environment; bare: where it keeps its logins over a restart. */
  env: Record<string, string>;
  nodeArgs?: string[];
  /** wamux only: another checkout's src/main.ts on the same state (an A/B of two versions in one run). */
  entry?: string;
  /**
   * wamux only: a token from an earlier process on the same state, used instead of logging in. A
   * restart is measured from the moment it listens, and a login's password hash (scrypt, ≈ 0.1 s of
   * CPU) would count as restore.
   */
  accessToken?: string;
}

/** Logins in flight after a restart: wamux's RESTORE_CONCURRENCY (its default), and bare's (each waits for its socket to open). */
export const RESTORE_CONCURRENCY = '16';
export const BARE_RESTORE_CONCURRENCY = 8;

/** A wamux subject's environment: its own DATA_DIR, its own database when on PostgreSQL, nothing throttled. */
/** What `./wamux` sets for embedded PGlite: glibc gives back the memory of PGlite's one-off WebAssembly compile (see the launcher). */
export const PGLITE_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=131072';

export function wamuxSubjectEnv(dataDir: string, database: { url: string } | undefined): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    ...(database ? {} : { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ?? PGLITE_MALLOC_TUNABLES }),
    WA_SANDBOX: 'true',
    ...(database ? { DATABASE_URL: database.url, JWT_SECRET: 'b'.repeat(64), SECRETS_KEY: 'c'.repeat(64) } : {}),
    LOG_LEVEL: 'warn',
    ...UNTHROTTLED_ENV,
    RESTORE_CONCURRENCY,
    RESTORE_STAGGER_MS: '0',
    // The bench's token outlives restarts (SubjectSetup.accessToken); a 500-instance run takes over an hour.
    JWT_ACCESS_TTL: '1d',
  };
}

/** Bare Baileys' environment: where it keeps its logins over a restart. */
export const bareSubjectEnv = (stateFile: string): Record<string, string> => ({ BARE_STATE_FILE: stateFile, BARE_RESTORE_CONCURRENCY: String(BARE_RESTORE_CONCURRENCY) });

const ADMIN = { username: 'bench', password: 'bench-password-not-secret' };
const BARE_ENTRY = fileURLToPath(new URL('./bare-gateway.ts', import.meta.url));

export async function startSubject(kind: SubjectKind, setup: SubjectSetup): Promise<Subject> {
  if (kind === 'bare') {
    const proc = await startGatewayProcess({ entry: BARE_ENTRY, env: { ...setup.env, BARE_SANDBOX: JSON.stringify(setup.sandbox) }, nodeArgs: setup.nodeArgs });
    return new BareSubject(proc, setup.control);
  }
  const ledger: Record<string, string> = kind === 'wamux-no-ledger' ? { MESSAGE_LEDGER: 'off' } : {};
  // As the fault bench allows: on a loaded box a PGlite gateway's restart (WebAssembly compile, the
  // database opened again) took longer than the default 120 s, and the whole run was lost with it.
  const proc = await startGatewayProcess({ env: { ...setup.env, ...ledger, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }, nodeArgs: setup.nodeArgs, entry: setup.entry, startTimeoutMs: 300_000 });
  const client = new GatewayClient(proc.url);
  if (setup.accessToken) client.useToken(setup.accessToken);
  else await client.login(ADMIN.username, ADMIN.password);
  return new WamuxSubject(kind, proc, client, setup.control);
}

const ONLINE_TIMEOUT_MS = 60_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

class WamuxSubject implements Subject {
  readonly kind: SubjectKind;
  private readonly onlineWaiters = new Map<string, () => void>();
  private stopStatus: (() => void) | undefined;

  readonly process: GatewayProcess;
  private readonly client: GatewayClient;
  private readonly control: ControlClient;

  constructor(kind: SubjectKind, process: GatewayProcess, client: GatewayClient, control: ControlClient) {
    this.kind = kind;
    this.process = process;
    this.client = client;
    this.control = control;
  }

  /** Create → QR over graphql-ws → the phone scans → ONLINE (from one status subscription for all). */
  async link(phone: string, name: string): Promise<string> {
    this.stopStatus ??= this.client.subscribe<{ instanceStatus: { instanceId: string; status: string } }>(
      'subscription { instanceStatus { instanceId status } }',
      {},
      ({ instanceStatus: e }) => e.status === 'ONLINE' && this.onlineWaiters.get(e.instanceId)?.(),
    );
    const { createInstance } = await this.client.request<{ createInstance: { id: string } }>('mutation ($name: String!) { createInstance(input: { name: $name }) { id } }', { name });
    const id = createInstance.id;
    const online = new Promise<void>((resolve) => this.onlineWaiters.set(id, resolve));
    const qr = new Promise<string>((resolve, reject) => {
      const stop = this.client.subscribe<{ qrCode: { code: string } }>('subscription ($id: ID!) { qrCode(instanceId: $id) { code } }', { id }, (d) => {
        stop();
        resolve(d.qrCode.code);
      }, reject);
    });
    // graphql-ws has no "subscribed" acknowledgement; the QR is produced only after connectInstance.
    await sleep(20);
    await this.client.request('mutation ($id: ID!) { connectInstance(id: $id) { status } }', { id });
    await this.control.scanQr(phone, await qr);
    await within(online, ONLINE_TIMEOUT_MS, `${name} not ONLINE`);
    this.onlineWaiters.delete(id);
    return id;
  }

  async sendText(instanceId: string, to: string, text: string): Promise<void> {
    await this.client.request('mutation ($input: SendTextInput!) { sendText(input: $input) { messageId } }', { input: { instanceId, to, text } });
  }

  async onReceived(onMessage: () => void): Promise<() => void> {
    const stop = this.client.subscribe<{ messageReceived: { id: string } }>('subscription { messageReceived { id } }', {}, onMessage);
    await sleep(200); // no subscribe acknowledgement in graphql-ws either
    return stop;
  }

  get accessToken(): string {
    return this.client.accessToken;
  }

  async online(): Promise<number> {
    const { instances } = await this.client.request<{ instances: Array<{ status: string }> }>('{ instances { status } }');
    return instances.filter((i) => i.status === 'ONLINE').length;
  }

  async close(): Promise<void> {
    this.stopStatus?.();
    await this.client.close();
  }
}

class BareSubject implements Subject {
  readonly kind = 'bare';
  private readonly streams = new Set<AbortController>();

  readonly process: GatewayProcess;
  private readonly control: ControlClient;

  constructor(process: GatewayProcess, control: ControlClient) {
    this.process = process;
    this.control = control;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    const res = await fetch(`${this.process.url}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`bare ${path}: ${json.error ?? res.status}`);
    return json;
  }

  async link(phone: string): Promise<string> {
    const { id, qr } = await this.call<{ id: string; qr: string }>('POST', '/instances', { phone });
    const open = this.call('POST', `/instances/${id}/open`, undefined, ONLINE_TIMEOUT_MS);
    open.catch(() => undefined); // awaited below, after the scan
    await this.control.scanQr(phone, qr);
    await open;
    return id;
  }

  async sendText(id: string, to: string, text: string): Promise<void> {
    await this.call('POST', '/send', { id, to, text });
  }

  async onReceived(onMessage: () => void): Promise<() => void> {
    const abort = new AbortController();
    this.streams.add(abort);
    const res = await fetch(`${this.process.url}/received`, { signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the ": ok" comment: listening from here on
    void (async () => {
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const events = (rest + value).split('\n\n');
        rest = events.pop()!;
        for (const e of events) if (e.startsWith('data:')) onMessage();
      }
    })().catch(() => undefined);
    return () => {
      abort.abort();
      this.streams.delete(abort);
    };
  }

  async online(): Promise<number> {
    return (await this.call<{ online: number }>('GET', '/online')).online;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.abort();
    this.streams.clear();
  }
}
