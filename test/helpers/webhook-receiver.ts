import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Waiter } from './waiter.ts';
import { EVENT_WAIT_MS } from './budget.ts';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  /** Exactly the bytes that arrived (the signature covers these). */
  raw: Buffer;
  json: { event: string; timestamp: string; data: Record<string, unknown> };
  /** What this receiver answered. */
  status: number;
}

/**
 * A local HTTP server standing in for a client's webhook endpoint. It records every request and
 * answers with the next status from `answers` (then `defaultStatus`), so tests can make it fail.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** Bodies of requests that ended early or did not parse as JSON (answered 400, not in `received`). */
  readonly incomplete: Buffer[] = [];
  answers: number[] = [];
  defaultStatus = 200;
  /** How long each answer waits (a slow receiver). */
  delayMs = 0;
  /** Requests being answered right now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly server: Server;
  private readonly waiter = new Waiter();

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    let receiver!: WebhookReceiver;
    const server = createServer((req, res) => {
      receiver.inFlight++;
      receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        setTimeout(() => {
          const raw = Buffer.concat(chunks);
          receiver.inFlight--;
          const json = parseJson(raw);
          // A request cut off by a gateway stopped mid-delivery (restart tests) is no delivery: the
          // gateway retries it. Kept apart, so a test matching on `received` never sees half a body.
          if (!req.complete || json === undefined) {
            receiver.incomplete.push(raw);
            res.writeHead(400).end();
            return;
          }
          const status = receiver.answers.shift() ?? receiver.defaultStatus;
          receiver.received.push({ headers: req.headers, raw, json, status });
          receiver.waiter.notify();
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
        }, receiver.delayMs);
      });
    });
    receiver = new WebhookReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `count` requests matching arrived. */
  waitFor(match: (h: ReceivedHook) => boolean, count = 1, timeoutMs = EVENT_WAIT_MS): Promise<ReceivedHook[]> {
    return this.waiter.until(
      () => {
        const hits = this.received.filter(match);
        return hits.length >= count ? hits : undefined;
      },
      timeoutMs,
      `${count} webhook request(s)`,
      () => `; got ${this.received.length}: ${this.received.map((h) => h.raw.toString()).join(' | ')}`,
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parseJson(raw: Buffer): ReceivedHook['json'] | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as ReceivedHook['json'];
  } catch {
    return undefined;
  }
}
