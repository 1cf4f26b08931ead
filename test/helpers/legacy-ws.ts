import WebSocket from 'ws';
import { Waiter } from './waiter.ts';
import { EVENT_WAIT_MS } from './budget.ts';

/** A SUDEVWA WebSocket frame as a client receives it. */
export interface Frame {
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** An upgrade the server answered with plain HTTP instead. */
export interface Refused {
  status: number;
  body: unknown;
}

/**
 * A real `ws` client on one of the legacy endpoints, buffering every frame so a test can wait for
 * "the next frame matching X" without racing the socket.
 */
export class LegacyWsTestClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  pings = 0;
  closed: { code: number; reason: string } | undefined;
  private readonly waiter = new Waiter();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => this.push(() => this.frames.push(JSON.parse(String(raw)) as Frame)));
    ws.on('ping', () => this.pings++);
    ws.on('close', (code, reason) => this.push(() => (this.closed = { code, reason: String(reason) })));
  }

  /** Opens the socket; rejects with a {@link Refused} when the server answers the upgrade with HTTP. */
  static connect(url: string, options: { token?: string; headers?: Record<string, string>; autoPong?: boolean; localAddress?: string } = {}): Promise<LegacyWsTestClient> {
    const headers = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
    const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LegacyWsTestClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { refused: { status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined } })));
      });
      ws.once('error', reject);
    });
  }

  /** The HTTP answer to an upgrade that must be refused. */
  static async refused(url: string, options: { token?: string; headers?: Record<string, string> } = {}): Promise<Refused> {
    try {
      const client = await LegacyWsTestClient.connect(url, options);
      client.close();
    } catch (err) {
      const refused = (err as { refused?: Refused }).refused;
      if (refused) return refused;
      throw err;
    }
    throw new Error(`expected ${url} to refuse the upgrade`);
  }

  private push(change: () => void): void {
    change();
    this.waiter.notify();
  }

  /** The first frame (since the start) that matches and was not taken yet. */
  async next(match: (f: Frame) => boolean, timeoutMs = EVENT_WAIT_MS, what = 'a matching frame'): Promise<Frame> {
    return this.until(() => {
      const i = this.frames.findIndex(match);
      return i >= 0 ? this.frames.splice(i, 1)[0] : undefined;
    }, timeoutMs, what);
  }

  /** Resolves when the server closed the connection. */
  whenClosed(timeoutMs = EVENT_WAIT_MS): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed, timeoutMs, 'the socket to close');
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.waiter.until(check, timeoutMs, what, () => `; closed: ${JSON.stringify(this.closed)}; frames: ${JSON.stringify(this.frames.slice(-5))}`);
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close();
  }
}
