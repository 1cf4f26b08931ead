import type { WebSocket } from 'ws';
import type { AuthService, Principal, InstanceAccess } from '../services/auth/index.ts';
import type { Logger } from '../services/shared/index.ts';
import type { LegacyOutgoing } from './legacy-events.ts';

export interface ClientLimits {
  maxQueuedFrames: number;
  maxBufferedBytes: number;
}

/** How long a dropped client gets to take its close frame before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One connected SUDEVWA WebSocket client. Frames pass the caller's access check in order through a
 * small queue; a client that cannot keep up (queue full, or the socket holding more unsent bytes
 * than allowed) is dropped rather than buffered without limit.
 */
export class LegacyWsClient {
  readonly ws: WebSocket;
  /** null: the open `/ws` of LEGACY_OPEN_WS, which sees everything, as SUDEVWA's did. */
  readonly principal: Principal | null;
  /** Set for `/api/listen/:instanceId`. */
  readonly listenInstanceId: string | null;
  lastPongAt = Date.now();
  lastPingAt = Date.now();
  private readonly access: InstanceAccess | null;
  private readonly limits: ClientLimits;
  private readonly log: Logger;
  private readonly queue: LegacyOutgoing[] = [];
  private pumping = false;
  private closed = false;

  constructor(init: { ws: WebSocket; principal: Principal | null; access: InstanceAccess | null; listenInstanceId: string | null; limits: ClientLimits; logger: Logger }) {
    this.ws = init.ws;
    this.principal = init.principal;
    this.access = init.access;
    this.listenInstanceId = init.listenInstanceId;
    this.limits = init.limits;
    this.log = init.logger;
    this.ws.on('pong', () => (this.lastPongAt = Date.now()));
    this.ws.once('close', () => {
      this.closed = true;
      this.queue.length = 0;
    });
  }

  offer(out: LegacyOutgoing): void {
    if (this.closed) return;
    if (out.scope === 'listen' && out.instanceId !== this.listenInstanceId) return;
    if (this.queue.length >= this.limits.maxQueuedFrames) return this.drop(1008, 'send buffer full');
    this.queue.push(out);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const out = this.queue.shift()!;
        if (this.access && !(await this.access.sees(out.instanceId).catch((err: unknown) => (this.log.warn({ err }, 'access check failed; frame skipped'), false)))) continue;
        if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
        if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) return this.drop(1008, 'send buffer full');
        this.ws.send(JSON.stringify(out.frame));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Keep-alive tick: drop after `pongTimeoutMs` of silence, ping every `pingIntervalMs`, re-check the credential. */
  async tick(now: number, pingIntervalMs: number, pongTimeoutMs: number, auth: AuthService): Promise<void> {
    if (this.closed) return;
    if (now - this.lastPongAt >= pongTimeoutMs) {
      this.log.info({ listen: this.listenInstanceId }, 'legacy WebSocket client answered no ping; dropped');
      this.closed = true;
      this.ws.terminate();
      return;
    }
    if (now - this.lastPingAt < pingIntervalMs) return;
    this.lastPingAt = now;
    if (this.principal && !(await auth.stillValid(this.principal).catch(() => true))) return this.drop(1008, 'credential expired or revoked');
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  /** A close frame, then the socket is cut if the peer does not answer in time. */
  drop(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.log.info({ code, reason, listen: this.listenInstanceId }, 'legacy WebSocket client dropped');
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }
}
