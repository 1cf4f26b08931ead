import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.ts';
import { authenticate, watchAccess, type Caller, type InstanceAccess, type Principal } from '../services/auth/index.ts';
import { DomainError, type Logger } from '../services/shared/index.ts';
import type { InstanceStatus } from '../services/instances/index.ts';
import type { Services } from '../services/index.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import { closeWebSockets } from '../http/websocket-upgrades.ts';
import { RestError } from './envelope.ts';
import { accessDenied, authRefusal, mapDomainError, rateLimited, restReply } from './errors.ts';
import { writeUpgradeReply } from '../http/error-replies.ts';
import { LegacyEventTranslator, type LegacyOutgoing } from './legacy-events.ts';
import { resolveInstanceRef } from './legacy-instance-ref.ts';
import { LegacyWsClient } from './legacy-ws-client.ts';

export type LegacyWsOptions = Config['legacyWs'];

export interface LegacyWsDeps extends Pick<Services, 'instances' | 'events' | 'auth'> {
  logger: Logger;
  options: LegacyWsOptions;
  /** Upgrades count into the per-address HTTP bucket every route uses. */
  rateLimits: RateLimits;
}

const GLOBAL_PATH = '/ws';
const LISTEN_PATH = /^\/api\/listen\/([^/]+)$/;
/** SUDEVWA's read limit: a larger client frame closes the connection. Clients have nothing to say anyway. */
const MAX_CLIENT_FRAME = 512;
const CLOSE_GRACE_MS = 1_000;

/** `/api/listen` refuses instances that are not linked and connected, with SUDEVWA's codes. */
const NOT_READY: Partial<Record<InstanceStatus, [string, string, string]>> = {
  CREATED: ['Not logged in', 'NOT_LOGGED_IN', 'Please scan QR code first'],
  QR_PENDING: ['Not logged in', 'NOT_LOGGED_IN', 'Please scan QR code first'],
  PAIRING: ['Not logged in', 'NOT_LOGGED_IN', 'Please scan QR code first'],
  LOGGED_OUT: ['Not logged in', 'NOT_LOGGED_IN', 'Please scan QR code first'],
  CONNECTING: ['Session is not connected', 'NOT_CONNECTED', 'Please check /status endpoint'],
  DISCONNECTED: ['Session is not connected', 'NOT_CONNECTED', 'Please check /status endpoint'],
  RECONNECTING: ['WhatsApp connection lost', 'CONNECTION_LOST', 'Please reconnect'],
};

/** What SUDEVWA answered an upgrade that failed on its side. */
const UPGRADE_FAILED = { failed: { message: 'Failed to upgrade connection', code: 'UPGRADE_FAILED' } };

/**
 * SUDEVWA's WebSockets: `GET /ws` (QR, status and error events of every instance the caller may
 * see) and `GET /api/listen/:instanceId` (that instance's `incoming_message`, plus the global
 * events). Frames are `{event, timestamp, data}`; the server pings, drops silent clients and slow
 * ones. Mounted with `noServer`: the app's upgrade router hands it the matching requests.
 */
export class LegacyWebSockets {
  private readonly deps: LegacyWsDeps;
  private readonly log: Logger;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME });
  private readonly clients = new Set<LegacyWsClient>();
  private readonly translator: LegacyEventTranslator;
  private unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** Frames go out in the order the events happened, even when one needs a lookup first. */
  private chain: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(deps: LegacyWsDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'legacy-ws' });
    this.translator = new LegacyEventTranslator(deps.instances, { doubleWrapIncoming: deps.options.doubleWrapIncoming });
  }

  matches(pathname: string): boolean {
    return pathname === GLOBAL_PATH || LISTEN_PATH.test(pathname);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  start(): void {
    if (this.timer || this.stopping) return;
    const events = this.deps.events;
    this.unsubscribe = [
      events.on('qrCode', (qr) => this.broadcast(() => this.translator.qr(qr))),
      events.on('instanceStatus', (e) => this.broadcast(() => this.translator.status(e))),
      // A message frame is made only for someone to read it (statuses and QR codes are translated
      // regardless: the translator follows their transitions). Every received message passes here.
      events.on('messageReceived', (m) => this.clients.size > 0 && this.broadcast(() => this.translator.message(m))),
      events.on('system', (e) => {
        if (e.type === 'INSTANCE_DELETED' && e.instanceId) this.translator.forget(e.instanceId);
      }),
    ];
    const { pingIntervalMs, pongTimeoutMs } = this.deps.options;
    // Finer than either period, so a silent client goes close to `pongTimeoutMs` after its last pong.
    const tickMs = Math.max(5, Math.floor(Math.min(pingIntervalMs, pongTimeoutMs) / 4));
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const client of this.clients) void client.tick(now, pingIntervalMs, pongTimeoutMs, this.deps.auth);
    }, tickMs);
    this.timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void this.accept(req, socket, head).catch((err: unknown) => {
      writeUpgradeReply(socket, restReply(err, UPGRADE_FAILED, (e) => this.log.error({ err: e, url: req.url?.split('?')[0] }, 'legacy WebSocket upgrade failed')));
    });
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.stopping) throw RestError.of(503, 'Server is shutting down', 'SHUTTING_DOWN');
    const over = await this.deps.rateLimits.takeAddress(req.socket.remoteAddress ?? 'unknown');
    if (over) throw rateLimited(over.retryAfterSeconds);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const listen = LISTEN_PATH.exec(url.pathname);
    const instanceId = listen ? await resolveInstanceRef(this.deps.instances, decodeURIComponent(listen[1]!)) : null;
    const who = await authenticate(this.deps, { authorization: req.headers.authorization, queryToken: url.searchParams.get('token') });
    // LEGACY_OPEN_WS: `/ws` without a credential sees everything, as SUDEVWA's did; a bad one is still refused.
    const anonymous = !who.ok && who.reason === 'missing' && !listen && this.deps.options.open;
    if (!who.ok && !anonymous) throw authRefusal(who);
    const principal: Principal | null = who.ok ? who.caller.principal : null;
    const access: InstanceAccess | null = who.ok ? who.caller.access : null;
    if (instanceId !== null) await this.checkListen(instanceId, access!);
    if (socket.destroyed || this.stopping) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.register(ws, new LegacyWsClient({
      ws,
      principal,
      access,
      listenInstanceId: instanceId,
      limits: this.deps.options,
      logger: this.log,
    }), who.ok ? who.caller : null));
  }

  /** SUDEVWA's checks before the upgrade: access, then a linked and connected session. */
  private async checkListen(instanceId: string, access: InstanceAccess): Promise<void> {
    if (!(await access.mayUse(instanceId))) throw accessDenied();
    let status: InstanceStatus;
    try {
      status = (await this.deps.instances.get(instanceId)).status;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'INSTANCE_NOT_FOUND') throw new RestError(404, mapDomainError(err, 'session').body);
      throw err;
    }
    const problem = NOT_READY[status];
    if (problem) throw RestError.of(400, ...problem);
  }

  private register(ws: WebSocket, client: LegacyWsClient, caller: Caller | null): void {
    if (this.stopping) return void ws.terminate();
    this.clients.add(client);
    // Closed with a reason once the credential stops working (4401) or, on /api/listen, the caller
    // may no longer use its instance (4403): revoked key, grant or session, expired token.
    const stopWatching = caller
      ? watchAccess({ ...this.deps, logger: this.log }, caller, {
          instanceId: client.listenInstanceId,
          onLost: (err) => client.drop(err.code === 'FORBIDDEN' ? 4403 : 4401, err.message.slice(0, 120)),
        })
      : undefined;
    ws.on('error', () => ws.terminate());
    ws.once('close', () => {
      stopWatching?.();
      this.clients.delete(client);
    });
    // Client frames carry nothing; they are read and discarded, as in SUDEVWA.
    ws.on('message', () => undefined);
  }

  private broadcast(translate: () => LegacyOutgoing[] | Promise<LegacyOutgoing[]>): void {
    this.chain = this.chain
      .then(async () => {
        const frames = await translate();
        for (const out of frames) for (const client of this.clients) client.offer(out);
      })
      .catch((err) => this.log.error({ err }, 'translating an event for legacy WebSocket clients failed'));
  }

  /** Close frames (1001) to every client, the rest cut off after a grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer);
      for (const off of this.unsubscribe.splice(0)) off();
      await closeWebSockets(this.wss, CLOSE_GRACE_MS);
      this.clients.clear();
      await this.chain;
    })();
    return this.stopping;
  }
}
