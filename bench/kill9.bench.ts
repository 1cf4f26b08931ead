/**
 * kill -9 runs (issue 13): the gateway in its own process on PostgreSQL, linked to a standalone
 * sandbox, is killed with SIGKILL in the middle of traffic and started again on the same data.
 *
 * (a) inbound: the sandbox phones send BENCH_KILL9_INBOUND (2,000) messages across
 *     BENCH_KILL9_INSTANCES (5) instances; the gateway dies half way. Counted after the restart:
 *     every message a phone sent must be in `messages` (the ledger) and must have reached the
 *     webhook receiver; a message delivered under two different event ids is a duplicate.
 * (b) sends: BENCH_KILL9_SENDS (1,000) sendText calls with idempotency keys; the gateway dies half
 *     way; the client retries every key it was not told was SENT (as a real client would) until
 *     each is. Counted at the phones: every message exactly once.
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trustSandbox } from '../src/sandbox/trust.ts';
import type { Benchmark, BenchContext, BenchRow } from './lib/benchmark.ts';
import { provisionBenchDatabase } from './lib/bench-database.ts';
import { FaultControl } from './lib/fault-control.ts';
import { WAMUX_BENCH_ADMIN, WamuxSubject, wamuxBenchEnv } from './lib/fault-wamux.ts';
import { GatewayClient } from './lib/gateway-client.ts';
import { startGatewayProcess, type GatewayProcess } from './lib/gateway-process.ts';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process.ts';
import { runPool, sleep } from './lib/stats.ts';
import { WebhookTally } from './lib/webhook-tally.ts';

const BENCH = 'kill9';
const SETTLED = new Set(['SENT', 'DELIVERED', 'READ', 'PLAYED']);

function settings() {
  const int = (name: string, fallback: number) => {
    const n = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
    return n;
  };
  return {
    instances: int('BENCH_KILL9_INSTANCES', 5),
    inbound: int('BENCH_KILL9_INBOUND', 2_000),
    sends: int('BENCH_KILL9_SENDS', 1_000),
    window: int('BENCH_KILL9_WINDOW', 16),
    drainMs: int('BENCH_KILL9_DRAIN_S', 900) * 1000,
  };
}

interface Run {
  ctx: BenchContext;
  env: Record<string, string>;
  control: FaultControl;
  phones: string[];
  peers: string[];
  ids: readonly string[];
  gateway: GatewayProcess;
  client: GatewayClient;
}

export const kill9Benchmark: Benchmark = {
  name: BENCH,
  async run(ctx) {
    const s = settings();
    const dataDir = await mkdtemp(join(tmpdir(), 'wamux-bench-kill9-'));
    const db = await provisionBenchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    let sandbox: SandboxProcess | undefined;
    let run: Run | undefined;
    let subject: WamuxSubject | undefined;
    const receiver = new WebhookTally();
    let untrust = () => {};
    try {
      sandbox = await startSandboxProcess({ state: 'memory', dataDir: join(dataDir, 'sandbox') });
      const { endpoint } = sandbox;
      untrust = trustSandbox({ rootPublicKey: Buffer.from(endpoint.rootPublicKey, 'hex'), caCertPem: readFileSync(endpoint.caCertPath, 'utf8') });
      const control = new FaultControl(endpoint.controlUrl);
      const phones = Array.from({ length: s.instances }, (_, i) => String(15559100000 + i));
      const peers = Array.from({ length: s.instances }, (_, i) => String(15559200000 + i));
      for (const phone of [...phones, ...peers]) await control.createPhone(phone, `Kill9 ${phone.slice(-4)}`);
      const env = wamuxBenchEnv({
        DATA_DIR: join(dataDir, 'gateway'),
        WA_SANDBOX: 'true',
        SANDBOX_URL: endpoint.controlUrl,
        DATABASE_URL: db!.url,
        JWT_SECRET: 'b'.repeat(64),
        SECRETS_KEY: 'c'.repeat(64),
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      });
      subject = new WamuxSubject(phones, peers, env);
      ctx.log(`kill9: linking ${s.instances} instances…`);
      await subject.link(control, ctx.signal);
      const gateway = subject.gateway!;
      const client = new GatewayClient(gateway.url);
      await client.login(WAMUX_BENCH_ADMIN.username, WAMUX_BENCH_ADMIN.password);
      const hook = await receiver.start();
      await client.request('mutation ($url: String!) { createWebhook(input: { url: $url, events: [MESSAGE_RECEIVED] }) { webhook { id } } }', { url: hook });
      run = { ctx, env, control, phones, peers, ids: [...subject.instanceIds], gateway, client };
      const rows = [...(await inbound(run, receiver, s)), ...(await sends(run, s))];
      return rows;
    } catch (err) {
      if (run?.gateway) ctx.log(`gateway output (tail):\n${run.gateway.outputTail()}`);
      if (sandbox) ctx.log(`sandbox stderr (tail):\n${sandbox.stderrTail()}`);
      throw err;
    } finally {
      await run?.client.close().catch(() => undefined);
      await run?.gateway.stop().catch(() => undefined);
      await subject?.stop().catch(() => undefined);
      await receiver.stop();
      await sandbox?.stop();
      untrust();
      await db?.drop().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

/** SIGKILL, then the same command on the same data; the client logs in again. */
async function killAndRestart(run: Run, what: string): Promise<void> {
  run.ctx.log(`kill9: SIGKILL the gateway (pid ${run.gateway.pid}) ${what}`);
  process.kill(run.gateway.pid, 'SIGKILL');
  await run.gateway.exited;
  await run.client.close();
  run.gateway = await startGatewayProcess({ env: run.env });
  run.client = new GatewayClient(run.gateway.url);
  await run.client.login(WAMUX_BENCH_ADMIN.username, WAMUX_BENCH_ADMIN.password);
  run.ctx.log('kill9: the gateway is back');
}

interface LedgerPage {
  edges: Array<{ node: { id: string; fromMe: boolean } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every inbound message id the ledger holds for an instance (paged through `messages`). */
async function ledgerInbound(client: GatewayClient, instanceId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const { messages }: { messages: LedgerPage } = await client.request<{ messages: LedgerPage }>(
      'query ($id: ID!, $after: String) { messages(instanceId: $id, direction: INBOUND, first: 500, after: $after) { edges { node { id fromMe } } pageInfo { hasNextPage endCursor } } }',
      { id: instanceId, after },
    );
    for (const e of messages.edges) if (!e.node.fromMe) ids.add(e.node.id);
    if (!messages.pageInfo.hasNextPage || !messages.pageInfo.endCursor) return ids;
    after = messages.pageInfo.endCursor;
  }
}

async function inbound(run: Run, receiver: WebhookTally, s: ReturnType<typeof settings>): Promise<BenchRow[]> {
  const sent = new Map<string, number>(); // message id → instance slot
  let failedSends = 0;
  let killed: Promise<void> | undefined;
  const started = Date.now();
  run.ctx.log(`kill9 (a): the phones send ${s.inbound} messages to ${s.instances} instances; SIGKILL half way`);
  await runPool(
    s.inbound,
    s.window,
    async (i) => {
      const slot = i % s.instances;
      try {
        const { id } = await run.control.sendText(run.peers[slot]!, run.phones[slot]!, `k9-in-${i}`);
        sent.set(id, slot);
      } catch {
        failedSends++;
      }
      if (sent.size >= s.inbound / 2 && !killed) killed = killAndRestart(run, `after ${sent.size} inbound messages`);
    },
    run.ctx.signal,
  );
  await killed;
  run.ctx.log(`kill9 (a): ${sent.size} sent in ${((Date.now() - started) / 1000).toFixed(0)} s; waiting for ledger and webhooks`);
  // Webhooks go one at a time per instance (order is kept), so the receiver may trail the ledger by
  // minutes on a loaded box: wait while either count still moves, up to the drain limit.
  const until = Date.now() + s.drainMs;
  let stored = 0;
  let hooked = 0;
  let moved = Date.now();
  for (;;) {
    const inLedger = new Set<string>();
    for (const id of run.ids) for (const m of await ledgerInbound(run.client, id)) inLedger.add(m);
    const [storedNow, hookedNow] = [[...sent.keys()].filter((id) => inLedger.has(id)).length, [...sent.keys()].filter((id) => receiver.eventsOf.has(id)).length];
    if (storedNow !== stored || hookedNow !== hooked) moved = Date.now();
    [stored, hooked] = [storedNow, hookedNow];
    if ((stored === sent.size && hooked === sent.size) || Date.now() > until || Date.now() - moved > 60_000) break;
    await sleep(2_000, run.ctx.signal);
  }
  const drained = (Date.now() - started) / 1000;
  const lost = sent.size - Math.min(stored, hooked);
  if (lost) await explainLost(run, receiver, sent);
  const duplicated = receiver.duplicated();
  const note = `SIGKILL after ${Math.ceil(s.inbound / 2)} of ${s.inbound} sends, ${s.instances} instances, PostgreSQL; ${failedSends} phone sends refused`;
  return [
    { bench: BENCH, metric: 'inbound: sent by the phones', value: sent.size, unit: 'msgs', note },
    { bench: BENCH, metric: 'inbound: stored in messages', value: stored, unit: 'msgs', target: `= ${sent.size}`, met: stored === sent.size },
    { bench: BENCH, metric: 'inbound: reached the webhook', value: hooked, unit: 'msgs', target: `= ${sent.size}`, met: hooked === sent.size, note: `${receiver.deliveries} deliveries; all in ${drained.toFixed(0)} s from the first send` },
    { bench: BENCH, metric: 'inbound: lost', value: lost, unit: 'msgs', target: '0', met: lost === 0 },
    { bench: BENCH, metric: 'inbound: under two event ids', value: duplicated, unit: 'msgs', target: '0', met: duplicated === 0, note: 'a repeated delivery with the same event id is allowed' },
  ];
}

/** Where the messages that did not arrive are: still in a device's backlog, refused (nack), undecryptable. */
async function explainLost(run: Run, receiver: WebhookTally, sent: Map<string, number>): Promise<void> {
  const inLedger = new Set<string>();
  for (const id of run.ids) for (const m of await ledgerInbound(run.client, id)) inLedger.add(m);
  const stats = await run.control.stats();
  const missing = [...sent].filter(([id]) => !inLedger.has(id) || !receiver.eventsOf.has(id));
  run.ctx.log(`kill9 (a): ${missing.filter(([id]) => !inLedger.has(id)).length} not in the ledger, ${missing.filter(([id]) => !receiver.eventsOf.has(id)).length} not at the webhook; the first ones:`);
  for (const [id, slot] of missing.slice(0, 20)) {
    run.ctx.log(`kill9 (a): ${id} to ${run.phones[slot]}: ledger ${inLedger.has(id)}, webhook ${receiver.eventsOf.has(id)}, undecrypted ${stats.undecrypted.includes(id)}`);
  }
  for (const phone of run.phones) {
    run.ctx.log(`kill9 (a): ${phone}: backlog ${await run.control.backlog(phone)}, nacks ${JSON.stringify(stats.companionNacks[phone] ?? {})}, retries ${stats.companionRetries[phone] ?? 0}`);
  }
  run.ctx.log(`gateway output (tail):\n${run.gateway.outputTail()}`);
}

interface Key {
  slot: number;
  text: string;
  /** The message ids the gateway answered with, over every try. */
  answered: Set<string>;
  told: string | undefined;
  tries: number;
}

async function sends(run: Run, s: ReturnType<typeof settings>): Promise<BenchRow[]> {
  const tag = Date.now().toString(36);
  const keys: Key[] = Array.from({ length: s.sends }, (_, i) => ({ slot: i % s.instances, text: `k9-out-${tag}-${i}`, answered: new Set(), told: undefined, tries: 0 }));
  let killed: Promise<void> | undefined;
  let toldSent = 0;
  const attempt = async (key: Key, i: number) => {
    key.tries++;
    try {
      const { sendText } = await run.client.request<{ sendText: { messageId: string; message: { status: string } } }>(
        'mutation ($input: SendTextInput!) { sendText(input: $input) { messageId message { status } } }',
        { input: { instanceId: run.ids[key.slot], to: run.peers[key.slot], text: key.text, idempotencyKey: `k9-${tag}-${i}` } },
      );
      key.answered.add(sendText.messageId);
      key.told = sendText.message.status;
      if (SETTLED.has(key.told)) toldSent++;
    } catch {
      key.told = undefined;
    }
  };
  run.ctx.log(`kill9 (b): ${s.sends} sends with idempotency keys; SIGKILL half way`);
  await runPool(
    s.sends,
    s.window,
    async (i) => {
      if (killed) await killed; // a client that saw the gateway go waits for it, then goes on
      await attempt(keys[i]!, i);
      if (toldSent >= s.sends / 2 && !killed) killed = killAndRestart(run, `after ${toldSent} sends were told SENT`);
    },
    run.ctx.signal,
  );
  await killed;
  // The client retries, with the same key, everything it was not told was SENT.
  let rounds = 0;
  const until = Date.now() + s.drainMs;
  for (;;) {
    const open = keys.map((k, i) => [k, i] as const).filter(([k]) => !k.told || !SETTLED.has(k.told));
    if (!open.length || Date.now() > until) break;
    rounds++;
    run.ctx.log(`kill9 (b): retry round ${rounds}: ${open.length} keys not told SENT`);
    await runPool(open.length, s.window, async (j) => attempt(open[j]![0], open[j]![1]), run.ctx.signal);
  }
  // What the phones got, by text: a message sent again under its first id is still one message.
  let copies = new Map<string, number>();
  for (;;) {
    copies = new Map();
    for (const peer of run.peers) for (const m of await run.control.messages(peer)) if (m.text?.startsWith(`k9-out-${tag}-`)) copies.set(m.text, (copies.get(m.text) ?? 0) + 1);
    if (keys.every((k) => copies.has(k.text)) || Date.now() > until) break;
    await sleep(2_000, run.ctx.signal);
  }
  const once = keys.filter((k) => copies.get(k.text) === 1).length;
  const missing = keys.filter((k) => !copies.has(k.text)).length;
  const twice = keys.filter((k) => (copies.get(k.text) ?? 0) > 1).length;
  const twoIds = keys.filter((k) => k.answered.size > 1).length;
  const retried = keys.filter((k) => k.tries > 1).length;
  const note = `SIGKILL after ${Math.ceil(s.sends / 2)} told SENT; ${retried} keys retried over ${rounds} rounds`;
  return [
    { bench: BENCH, metric: 'sends: at the phone exactly once', value: once, unit: 'msgs', target: `= ${s.sends}`, met: once === s.sends, note },
    { bench: BENCH, metric: 'sends: missing at the phone', value: missing, unit: 'msgs', target: '0', met: missing === 0 },
    { bench: BENCH, metric: 'sends: more than once at the phone', value: twice, unit: 'msgs', target: '0', met: twice === 0 },
    { bench: BENCH, metric: 'sends: keys answered with two ids', value: twoIds, unit: 'keys', target: '0', met: twoIds === 0 },
  ];
}
