import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver that answers 200 at once and remembers, per WhatsApp message id, the event
 * ids it was delivered under: the same event id twice is an allowed retry (at-least-once), two
 * event ids for one message would be a real duplicate.
 */
export class WebhookTally {
  readonly eventsOf = new Map<string, Set<string>>();
  deliveries = 0;
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string; data?: { id?: string; fromMe?: boolean } };
          if (event.type === 'MESSAGE_RECEIVED' && event.data?.id && !event.data.fromMe) {
            this.deliveries++;
            const ids = this.eventsOf.get(event.data.id) ?? new Set<string>();
            ids.add(event.id);
            this.eventsOf.set(event.data.id, ids);
          }
        } catch {
          // Not ours to judge: the count below only trusts what parsed.
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  /** Messages delivered under more than one event id. */
  duplicated(): number {
    let n = 0;
    for (const ids of this.eventsOf.values()) if (ids.size > 1) n++;
    return n;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server?.closeAllConnections();
  }
}
