/**
 * A bench worker process: holds a share of the Baileys companions, so that the companions' own
 * crypto (the heavy side) spreads over cores and never runs inside the sandbox being measured.
 * Driven by the parent over IPC (worker-protocol.ts); exits when the parent goes away.
 */
import { readFileSync } from 'node:fs';
import { generateMessageIDV2, proto, type BaileysEventMap } from '@whiskeysockets/baileys';
import { trustSandbox } from '../../src/sandbox/trust.ts';
import { BenchCompanion } from './bench-companion.ts';
import { ControlClient } from './control-client.ts';
import { itemAt, runPool, sleep, wallNow } from './stats.ts';
import {
  parseBenchText,
  benchText,
  type BatchResult,
  type CollectResult,
  type RpcRequest,
  type RpcResponse,
  type SendResult,
  type WorkerMethod,
  type WorkerMethods,
} from './worker-protocol.ts';

interface RunStats {
  seen: Set<string>;
  latenciesMs: number[];
  firstAt: number;
  lastAt: number;
}

let wsUrl = '';
let control: ControlClient | undefined;
const companions: BenchCompanion[] = [];
const runs = new Map<string, RunStats>();
/** Message id → send start, for texts this worker's companions sent and whose delivery receipt is due. */
const awaitingDelivery = new Map<string, number>();
const deliveries: { latencyMs: number; at: number }[] = [];
const MAX_ERRORS = 5;

const hooks = {
  onUpsert({ messages, type }: BaileysEventMap['messages.upsert']) {
    if (type !== 'notify') return;
    const at = wallNow();
    for (const m of messages) {
      if (m.key.fromMe) continue;
      const bench = parseBenchText(m.message?.conversation);
      if (!bench || !m.key.id) continue;
      let run = runs.get(bench.run);
      if (!run) runs.set(bench.run, (run = { seen: new Set(), latenciesMs: [], firstAt: at, lastAt: at }));
      // A redelivery (retry receipt, offline replay) must not count twice.
      if (run.seen.has(m.key.id)) continue;
      run.seen.add(m.key.id);
      run.latenciesMs.push(at - bench.sentAt);
      run.lastAt = at;
    }
  },
  onUpdate(updates: BaileysEventMap['messages.update']) {
    const at = wallNow();
    for (const { key, update } of updates) {
      const sentAt = key.id ? awaitingDelivery.get(key.id) : undefined;
      if (sentAt === undefined || (update.status ?? 0) < proto.WebMessageInfo.Status.DELIVERY_ACK) continue;
      awaitingDelivery.delete(key.id!);
      deliveries.push({ latencyMs: at - sentAt, at });
    }
  },
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function batchResult(results: PromiseSettledResult<number>[]): BatchResult {
  const out: BatchResult = { ok: 0, failed: 0, errors: [], durationsMs: [] };
  for (const r of results) {
    if (r?.status === 'fulfilled') {
      out.ok++;
      out.durationsMs.push(r.value);
    } else {
      out.failed++;
      if (out.errors.length < MAX_ERRORS) out.errors.push(errorText(r?.reason ?? 'not started (time is up)'));
    }
  }
  return out;
}

/** Polls `done` until it holds or the time is up (message handlers update plain counters). */
async function until(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await sleep(20);
}

const handlers: { [M in WorkerMethod]: (params: WorkerMethods[M]['params']) => Promise<WorkerMethods[M]['result']> } = {
  async init(params) {
    wsUrl = params.wsUrl;
    control = new ControlClient(params.controlUrl);
    // Baileys checks the noise certificate chain against this process's WA_CERT_DETAILS.PUBLIC_KEY.
    trustSandbox({ rootPublicKey: Buffer.from(params.rootPublicKey, 'hex'), caCertPem: readFileSync(params.caCertPath, 'utf8') });
    return { pid: process.pid };
  },

  async link({ phones, concurrency, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    const results = await runPool(phones.length, concurrency, async (i) => {
      if (Date.now() >= deadline) throw new Error('time is up');
      const started = wallNow();
      const phone = itemAt(phones, i);
      const companion = new BenchCompanion(phone, wsUrl, hooks);
      companions.push(companion);
      try {
        companion.connect();
        const qr = await companion.waitForQr(remaining());
        const opened = companion.waitForOpen(remaining());
        opened.catch(() => undefined); // awaited below; a failed scan must not leave it unhandled
        await control!.scanQr(phone, qr);
        await opened;
        return wallNow() - started;
      } catch (err) {
        companion.end();
        companions.splice(companions.indexOf(companion), 1);
        throw err;
      }
    });
    return { ...batchResult(results), linkedPhones: phones.filter((_, i) => results[i]?.status === 'fulfilled') };
  },

  async disconnect() {
    let closed = 0;
    for (const c of companions) {
      if (!c.sock) continue;
      c.end();
      closed++;
    }
    return { closed };
  },

  async login({ concurrency, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    const results = await runPool(companions.length, concurrency, async (i) => {
      if (Date.now() >= deadline) throw new Error('time is up');
      const started = wallNow();
      const companion = itemAt(companions, i);
      companion.connect();
      await companion.waitForOpen(Math.max(1, deadline - Date.now()));
      return wallNow() - started;
    });
    return batchResult(results);
  },

  async collect({ run, expected, timeoutMs }): Promise<CollectResult> {
    await until(() => (runs.get(run)?.seen.size ?? 0) >= expected, Date.now() + timeoutMs);
    const stats = runs.get(run);
    runs.delete(run);
    return stats
      ? { received: stats.seen.size, latenciesMs: stats.latenciesMs, firstAt: stats.firstAt, lastAt: stats.lastAt }
      : { received: 0, latenciesMs: [], firstAt: 0, lastAt: 0 };
  },

  async send({ run, targets, perCompanion, ratePerSecond, timeoutMs }): Promise<SendResult> {
    const deadline = Date.now() + timeoutMs;
    const result: SendResult = { sent: 0, delivered: 0, failed: 0, errors: [], latenciesMs: [], startedAt: wallNow(), lastDeliveredAt: 0 };
    deliveries.length = 0;
    awaitingDelivery.clear();
    const open = companions.filter((c) => c.isOpen && c.sock);
    const sendOne = async (i: number, seq: number) => {
      const sock = itemAt(open, i).sock;
      if (!sock) return;
      const id = generateMessageIDV2(sock.user?.id);
      const sentAt = wallNow();
      awaitingDelivery.set(id, sentAt);
      try {
        await sock.sendMessage(`${targets[i % targets.length]}@s.whatsapp.net`, { text: benchText(run, sentAt, seq) }, { messageId: id });
        result.sent++;
      } catch (err) {
        awaitingDelivery.delete(id);
        result.failed++;
        if (result.errors.length < MAX_ERRORS) result.errors.push(errorText(err));
      }
    };
    if (ratePerSecond) {
      // Open loop: send k leaves at start + k/rate from companion k mod n, however many are in flight.
      const inFlight: Promise<void>[] = [];
      for (let k = 0; k < perCompanion * open.length && Date.now() < deadline; k++) {
        const due = result.startedAt + (k * 1000) / ratePerSecond;
        if (due > wallNow()) await sleep(due - wallNow());
        inFlight.push(sendOne(k % open.length, Math.floor(k / open.length)));
      }
      await Promise.all(inFlight);
    } else {
      // Each companion sends its texts one after another (as one chat would); all companions at once.
      await Promise.all(
        open.map(async (_, i) => {
          for (let seq = 0; seq < perCompanion && Date.now() < deadline; seq++) await sendOne(i, seq);
        }),
      );
    }
    await until(() => awaitingDelivery.size === 0, deadline);
    awaitingDelivery.clear();
    result.delivered = deliveries.length;
    result.latenciesMs = deliveries.map((d) => d.latencyMs);
    result.lastDeliveredAt = deliveries.reduce((max, d) => Math.max(max, d.at), 0);
    return result;
  },
};

process.on('message', (request: RpcRequest) => {
  const handler = handlers[request.method] as (params: unknown) => Promise<unknown>;
  handler(request.params).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies RpcResponse),
    (err: unknown) => process.send?.({ id: request.id, ok: false, error: errorText(err) } satisfies RpcResponse),
  );
});

// The parent is gone (finished, crashed or killed): end the sockets and leave.
process.on('disconnect', () => {
  for (const c of companions) c.end();
  process.exit(0);
});
