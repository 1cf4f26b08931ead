/**
 * The floor the gateway benchmark measures wamux against: bare Baileys, configured as wamux
 * configures it (makeCacheableSignalKeyStore, the same socket options) but with keys in memory, in
 * a process of its own with the thinnest HTTP front that can be driven like the gateway:
 *
 *   POST /instances {phone}      a new socket; answers with its first QR (the bench scans it)
 *   POST /instances/:id/open     resolves once that socket is open
 *   POST /send {id, to, text}    sendMessage; answers with the message id once the server acked it
 *                                (as wamux's sendText answers at SENT: the same request → confirmed
 *                                for both, not "written to a socket" for one of them)
 *   GET  /received               server-sent events: one line per message received
 *   GET  /online                 how many sockets are open
 *   GET  /healthz                200 once listening
 *
 * On SIGTERM every login is written to BARE_STATE_FILE; a process started on that file restores
 * every socket by itself (BARE_RESTORE_CONCURRENCY logins at a time, 8 by default), which is the restart measure.
 * The sandbox to trust comes as BARE_SANDBOX (the sandbox's JSON line).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import makeWASocket, { DisconnectReason, generateMessageIDV2, makeCacheableSignalKeyStore, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { trustSandbox } from '../../src/sandbox/trust.ts';
import { memoryAuthState, type MemoryAuthState } from './memory-auth.ts';
import type { SandboxEndpoint } from './sandbox-process.ts';
import { runPool } from './stats.ts';

/** wamux's SEND_WAIT_MS default: how long a send waits for its server ack before answering anyway. */
const SEND_WAIT_MS = 15_000;
const RESTORE_CONCURRENCY = Number(process.env.BARE_RESTORE_CONCURRENCY ?? 8);
const sandbox = JSON.parse(process.env.BARE_SANDBOX ?? '') as SandboxEndpoint;
const stateFile = process.env.BARE_STATE_FILE!;
trustSandbox({ rootPublicKey: Buffer.from(sandbox.rootPublicKey, 'hex'), caCertPem: readFileSync(sandbox.caCertPath, 'utf8') });
const logger = pino({ level: 'silent' });

interface Instance {
  auth: MemoryAuthState;
  sock?: WASocket;
  open: boolean;
  waiters: Array<(qrOrOpen: string) => void>;
  /** Phone number → JID, checked once (onWhatsApp) as wamux's NumberDirectory does before a send. */
  numbers: Map<string, Promise<string>>;
  /** Sends whose server ack is awaited, by message id. */
  acks: Map<string, (error?: string) => void>;
}

const instances = new Map<string, Instance>();
const listeners = new Set<ServerResponse>();

/** One socket with wamux's options; after the 515 restart that follows pairing, a new one, as an app must. */
function connect(id: string, instance: Instance): void {
  const sock = makeWASocket({
    auth: { creds: instance.auth.creds, keys: makeCacheableSignalKeyStore(instance.auth.keys, logger) },
    logger,
    browser: ['bare', 'Chrome', '124.0.0'],
    markOnlineOnConnect: false,
    syncFullHistory: false,
    waWebSocketUrl: sandbox.wsUrl,
  });
  instance.sock = sock;
  sock.ws.on('CB:ack,class:message', (node: { attrs: { id?: string; error?: string } }) => {
    const id = node.attrs.id;
    const settle = id ? instance.acks.get(id) : undefined;
    if (!settle) return;
    instance.acks.delete(id!);
    settle(node.attrs.error);
  });
  sock.ev.on('creds.update', (update) => Object.assign(instance.auth.creds, update));
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    if (type !== 'notify') return;
    for (const m of messages) {
      if (m.key.fromMe || !m.message) continue;
      const line = `data: ${JSON.stringify({ instance: id, id: m.key.id })}\n\n`;
      for (const res of listeners) res.write(line);
    }
  });
  sock.ev.on('connection.update', (update) => {
    if (sock !== instance.sock) return;
    if (update.qr) for (const w of instance.waiters.splice(0)) w(update.qr);
    if (update.connection === 'open') {
      instance.open = true;
      for (const w of instance.waiters.splice(0)) w('open');
    }
    if (update.connection === 'close') {
      instance.open = false;
      const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
      if (code === DisconnectReason.restartRequired) connect(id, instance);
    }
  });
}

const next = (instance: Instance) => new Promise<string>((resolve) => instance.waiters.push(resolve));

async function body(req: IncomingMessage): Promise<Record<string, string>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, string>) : {};
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/healthz') return { status: 'ok' };
  if (req.method === 'GET' && url === '/online') return { online: [...instances.values()].filter((i) => i.open).length };
  if (req.method === 'POST' && url === '/instances') {
    const { phone } = await body(req);
    const instance: Instance = { auth: memoryAuthState(), open: false, waiters: [], numbers: new Map(), acks: new Map() };
    instances.set(phone!, instance);
    const qr = next(instance);
    connect(phone!, instance);
    return { id: phone, qr: await qr };
  }
  const open = /^\/instances\/([^/]+)\/open$/.exec(url);
  if (req.method === 'POST' && open) {
    const instance = instances.get(open[1]!);
    if (!instance) throw new Error(`no instance ${open[1]}`);
    while (!instance.open) await next(instance);
    return { status: 'open' };
  }
  if (req.method === 'POST' && url === '/send') {
    const { id, to, text } = await body(req);
    const instance = instances.get(id!);
    const sock = instance?.sock;
    if (!sock) throw new Error(`no instance ${id}`);
    let jid = instance.numbers.get(to!);
    if (!jid) {
      jid = sock.onWhatsApp(to!).then((found) => found?.find((r) => r.exists)?.jid ?? `${to}@s.whatsapp.net`);
      instance.numbers.set(to!, jid);
    }
    // Listened for before the write: the ack can come back before sendMessage resolves.
    const messageId = generateMessageIDV2(sock.user?.id);
    // Up to 15 s, as wamux's SEND_WAIT_MS: then the answer goes without the ack, as wamux's does.
    let timer: NodeJS.Timeout | undefined;
    const acked = new Promise<string | undefined>((resolve) => {
      instance.acks.set(messageId, resolve);
      timer = setTimeout(() => instance.acks.delete(messageId) && resolve(undefined), SEND_WAIT_MS);
    }).finally(() => clearTimeout(timer));
    try {
      await sock.sendMessage(await jid, { text: text! }, { messageId });
    } catch (err) {
      instance.acks.delete(messageId);
      throw err;
    }
    const error = await acked;
    if (error) throw new Error(`server refused ${messageId}: ${error}`);
    return { messageId };
  }
  if (req.method === 'GET' && url === '/received') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': ok\n\n');
    listeners.add(res);
    req.once('close', () => listeners.delete(res));
    return undefined;
  }
  res.statusCode = 404;
  return { error: 'not found' };
}

const server = createServer((req, res) => {
  handle(req, res).then(
    (result) => result !== undefined && res.writeHead(res.statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
    (err: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String((err as Error)?.message ?? err) })),
  );
});

// Restore: every saved login reconnects by itself once the server listens (as wamux restores in the
// background once it listens; the restore benchmark measures both from there). The state file is
// read before: wamux reads a login's keys lazily from its database, and parsing every stored pre-key
// of every login here would put work in bare's restore that the floor of a restore does not need.
if (existsSync(stateFile)) {
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, string>;
  for (const [id, auth] of Object.entries(saved)) instances.set(id, { auth: memoryAuthState(auth), open: false, waiters: [], numbers: new Map(), acks: new Map() });
}
function restoreSaved(): void {
  void runPool(instances.size, RESTORE_CONCURRENCY, async (i) => {
    const [id, instance] = [...instances][i]!;
    connect(id, instance);
    while (!instance.open) await next(instance);
  });
}
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', restoreSaved);

process.once('SIGTERM', () => {
  for (const i of instances.values()) i.sock?.end(undefined);
  writeFileSync(stateFile, JSON.stringify(Object.fromEntries([...instances].map(([id, i]) => [id, i.auth.save()]))));
  for (const res of listeners) res.end();
  server.close();
  process.exit(0);
});
