import type { BinaryNode, WAMessage, WAMessageUpdate, WASocket } from '@whiskeysockets/baileys';
import type { TestCompanion } from './companion.ts';
import { Waiter } from './waiter.ts';

/**
 * What one companion saw, across its sockets: every stanza Baileys decoded (its `frame` event, so a
 * test sees duplicates and order on the wire) and what it made of them (upserts, updates).
 */
export class WireLog {
  readonly frames: BinaryNode[] = [];
  readonly upserts: WAMessage[] = [];
  readonly updates: WAMessageUpdate[] = [];
  private readonly waiter = new Waiter();

  constructor(companion: TestCompanion) {
    this.attach(companion.sock);
  }

  /** Call right after `companion.connect()`: a new socket has new emitters. */
  attach(sock: WASocket): void {
    sock.ws.on('frame', (node: BinaryNode) => {
      this.frames.push(node);
      this.waiter.notify();
    });
    sock.ev.on('messages.upsert', ({ messages }) => {
      this.upserts.push(...messages);
      this.waiter.notify();
    });
    sock.ev.on('messages.update', (updates) => {
      this.updates.push(...updates);
      this.waiter.notify();
    });
  }

  messageFrames(id: string): BinaryNode[] {
    return this.frames.filter((n) => n.tag === 'message' && n.attrs.id === id);
  }

  upsertsOf(id: string): WAMessage[] {
    return this.upserts.filter((m) => m.key.id === id && m.message);
  }

  until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return this.waiter.until(() => check() || undefined, timeoutMs, what, () => ` (saw ${this.frames.length} frames, ${this.upserts.length} upserts)`);
  }
}
