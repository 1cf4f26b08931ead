import type { FaultControl } from './fault-control.ts';
import type { FaultSubject, SendOutcome } from './fault-subjects.ts';
import { GatewayClient } from './gateway-client.ts';
import { startGatewayProcess, UNTHROTTLED_ENV, type GatewayProcess } from './gateway-process.ts';
import { sampleProcess } from './proc-stats.ts';
import { runPool, sleep } from './stats.ts';

const ADMIN = { username: 'bench', password: 'bench-password-not-secret' };
export const WAMUX_BENCH_ADMIN: Readonly<typeof ADMIN> = ADMIN;

/** The environment a benchmarked gateway runs with: the bench admin, quiet logs, limits out of the way. */
export function wamuxBenchEnv(env: Record<string, string>): Record<string, string> {
  return {
    ...env,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.BENCH_GATEWAY_LOG ?? 'warn',
    // The bench measures recovery, not the limits and the anti-ban spacing.
    ...UNTHROTTLED_ENV,
  };
}

/**
 * wamux as it runs in production: src/main.ts in its own process, keys in its database, driven only
 * through GraphQL (sendText; `messageReceived` and `instanceStatus` subscriptions).
 */
export class WamuxSubject implements FaultSubject {
  readonly name = 'wamux';
  readonly phones: readonly string[];
  readonly peers: readonly string[];
  onReceive: FaultSubject['onReceive'] = () => {};
  gateway: GatewayProcess | undefined;
  private client: GatewayClient | undefined;
  private readonly ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly status = new Map<string, string>();
  /** The last status of every send, from `messageStatus`: the queue may send (or fail) it after the answer. */
  private readonly sends = new Map<string, { status: string; code: string | undefined }>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly env: Record<string, string>;
  private readonly nodeArgs: string[];

  constructor(phones: string[], peers: string[], env: Record<string, string>, nodeArgs: string[] = []) {
    this.phones = phones;
    this.peers = peers;
    this.nodeArgs = nodeArgs;
    // The sandbox's reject-sends fault refuses one send, where WhatsApp's restriction lasts hours:
    // the queue's pause after it (an hour by default) is shortened to match.
    this.env = wamuxBenchEnv({ SEND_RESTRICTED_PAUSE_SECONDS: '5', ...env });
  }

  /** The instance ids, by slot (after `link`). */
  get instanceIds(): readonly string[] {
    return this.ids;
  }

  async link(control: FaultControl, signal: AbortSignal): Promise<void> {
    this.gateway = await startGatewayProcess({ env: this.env, nodeArgs: this.nodeArgs, startTimeoutMs: 300_000 });
    const client = (this.client = new GatewayClient(this.gateway.url));
    await client.login(ADMIN.username, ADMIN.password);
    this.unsubscribe.push(
      client.subscribe<{ instanceStatus: { instanceId: string; status: string } }>('subscription { instanceStatus { instanceId status } }', {}, ({ instanceStatus: e }) =>
        this.status.set(e.instanceId, e.status),
      ),
      client.subscribe<{ messageStatus: { messageId: string; status: string; message: { direction: string; error: { code: string } | null } } }>(
        'subscription { messageStatus { messageId status message { direction error { code } } } }',
        {},
        ({ messageStatus: e }) => {
          if (e.message.direction === 'OUTBOUND') this.sends.set(e.messageId, { status: e.status, code: e.message.error?.code });
        },
      ),
      client.subscribe<{ messageReceived: { id: string; instanceId: string; text: string | null; fromMe: boolean } }>(
        'subscription { messageReceived { id instanceId text fromMe } }',
        {},
        ({ messageReceived: m }) => {
          const slot = this.slotOf.get(m.instanceId);
          if (slot !== undefined && !m.fromMe && m.text) this.onReceive(slot, m.id, m.text);
        },
      ),
    );
    const results = await runPool(this.phones.length, 4, async (slot) => {
      const { createInstance } = await client.request<{ createInstance: { id: string } }>('mutation ($name: String!) { createInstance(input: { name: $name }) { id } }', {
        name: `faults-${slot}`,
      });
      const id = createInstance.id;
      this.ids[slot] = id;
      this.slotOf.set(id, slot);
      const qr = new Promise<string>((resolve, reject) => {
        const stop = client.subscribe<{ qrCode: { code: string } }>('subscription ($id: ID!) { qrCode(instanceId: $id) { code } }', { id }, (d) => {
          stop();
          resolve(d.qrCode.code);
        }, reject);
      });
      await client.request('mutation ($id: ID!) { connectInstance(id: $id) { status } }', { id });
      await control.scanQr(this.phones[slot]!, await qr);
      for (let waited = 0; this.status.get(id) !== 'ONLINE'; waited += 100) {
        if (waited > 60_000) throw new Error(`wamux: instance ${slot} not ONLINE after 60 s`);
        await sleep(100, signal);
      }
    }, signal);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw new Error(`wamux: linking failed: ${String(failed.reason)}`);
  }

  async send(slot: number, to: string, text: string): Promise<string> {
    const data = await this.client!.request<{ sendText: { messageId: string | null } }>('mutation ($input: SendTextInput!) { sendText(input: $input) { messageId } }', {
      input: { instanceId: this.ids[slot], to, text },
    });
    if (!data.sendText.messageId) throw new Error('no message id');
    return data.sendText.messageId;
  }

  async cpuSeconds(): Promise<number> {
    return (await sampleProcess(this.gateway!.pid)).cpuSeconds;
  }

  outcome(id: string): SendOutcome {
    const send = this.sends.get(id);
    if (send?.status === 'FAILED' || send?.status === 'CANCELLED') return { state: 'failed', code: send.code ?? send.status };
    return send && !['SCHEDULED', 'QUEUED', 'SENDING'].includes(send.status) ? { state: 'sent' } : { state: 'pending' };
  }

  isOnline(slot: number): boolean {
    return this.status.get(this.ids[slot]!) === 'ONLINE';
  }

  async stop(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.client?.close();
    await this.gateway?.stop();
  }
}
