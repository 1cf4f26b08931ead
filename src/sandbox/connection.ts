import type { WebSocket } from 'ws';
import { NoiseResponder } from './noise.ts';
import type { NoiseIdentity } from './certificates.ts';
import { decodeBinaryNode, encodeBinaryNode, type proto, type BinaryNode } from './wa.ts';
import type { Companion } from './accounts.ts';

export interface ConnectionHandlers {
  onPayload(conn: Connection, payload: proto.ClientPayload, clientStaticKey: Buffer): void | Promise<void>;
  onNode(conn: Connection, node: BinaryNode): void | Promise<void>;
  onClose(conn: Connection): void;
}

let nextConnectionId = 1;

/**
 * One WebSocket from a Baileys client: buffers frames (one WS message may carry several frames or
 * part of one), runs the noise handshake, then decodes binary nodes in order.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly ws: WebSocket;
  /** Set once the client logged in as a linked device. */
  companion: Companion | undefined;
  /** Set while an unpaired client waits for a QR scan or pairing code. */
  registration: { payload: proto.ClientPayload; noiseKey: Buffer } | undefined;
  closed = false;
  /** Artificial latency on everything we send (fault injection). */
  delayMs = 0;
  /**
   * Set once the login wrote the device's unacked backlog: until then new stanzas only join the
   * backlog, so none is written twice or ahead of older ones (delivery.ts).
   */
  caughtUp = false;
  /** A stanza held back by the out-of-order fault, written after the next one (delivery.ts). */
  held: { node: BinaryNode; timer: NodeJS.Timeout } | undefined;
  /** A login still catching up under the slow-catch-up fault: ends it now (delivery.ts). */
  finishCatchUp: (() => void) | undefined;
  private readonly identity: NoiseIdentity;
  private readonly handlers: ConnectionHandlers;
  private noise: NoiseResponder | undefined;
  private inBytes: Buffer = Buffer.alloc(0);
  private stage: 'intro' | 'hello' | 'finish' | 'transport' = 'intro';
  /** Serialises frame handling: decodeBinaryNode is async and order matters. */
  private chain: Promise<void> = Promise.resolve();

  constructor(ws: WebSocket, identity: NoiseIdentity, handlers: ConnectionHandlers) {
    this.ws = ws;
    this.identity = identity;
    this.handlers = handlers;
    ws.on('message', (data: Buffer) => {
      this.chain = this.chain.then(() => this.onData(data)).catch((err) => this.fail(err));
    });
    ws.on('close', () => {
      this.closed = true;
      this.handlers.onClose(this);
    });
    ws.on('error', () => ws.terminate());
  }

  get open(): boolean {
    return !this.closed && this.stage === 'transport';
  }

  /** Resolves once the frame is handed to the socket, or at once when the connection is closed. */
  async send(node: BinaryNode): Promise<void> {
    await this.write(node, false);
  }

  /** Resolves once the frame left this process (the kernel has it), for faults that cut right after. */
  async sendFlushed(node: BinaryNode): Promise<void> {
    await this.write(node, true);
  }

  private async write(node: BinaryNode, flushed: boolean): Promise<void> {
    if (this.closed || !this.noise?.ready) return;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.closed) return;
    const frame = this.noise.encrypt(encodeBinaryNode(node));
    if (!flushed) return this.writeFrame(frame);
    await new Promise<void>((resolve) => this.writeFrame(frame, () => resolve()));
  }

  /** Sends a stream error and closes, as WhatsApp does for 515 restarts, conflicts and bans. */
  async streamError(code: number | undefined, child?: BinaryNode): Promise<void> {
    await this.send({ tag: 'stream:error', attrs: code ? { code: String(code) } : {}, content: child ? [child] : undefined });
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close();
  }

  /** Drops the TCP connection without a close handshake (simulates a network failure). */
  drop(): void {
    this.ws.terminate();
  }

  private writeFrame(body: Uint8Array, onWritten?: () => void): void {
    const frame = Buffer.allocUnsafe(3 + body.length);
    frame.writeUIntBE(body.length, 0, 3);
    frame.set(body, 3);
    this.ws.send(frame, onWritten);
  }

  private async onData(data: Buffer): Promise<void> {
    this.inBytes = this.inBytes.length ? Buffer.concat([this.inBytes, data]) : data;
    if (this.stage === 'intro') {
      if (!this.readIntro()) return;
    }
    while (this.inBytes.length >= 3) {
      const size = this.inBytes.readUIntBE(0, 3);
      if (this.inBytes.length < size + 3) return;
      const frame = this.inBytes.subarray(3, size + 3);
      this.inBytes = this.inBytes.subarray(size + 3);
      await this.onFrame(frame);
      if (this.closed) return;
    }
  }

  /** The client's first bytes: optional `ED` routing prefix, then `WA` + version + dictionary version. */
  private readIntro(): boolean {
    let offset = 0;
    if (this.inBytes.length >= 2 && this.inBytes[0] === 0x45 && this.inBytes[1] === 0x44) {
      if (this.inBytes.length < 7) return false;
      offset = 7 + this.inBytes.readUIntBE(4, 3);
    }
    if (this.inBytes.length < offset + 4) return false;
    const header = this.inBytes.subarray(offset, offset + 4);
    if (header[0] !== 0x57 || header[1] !== 0x41) throw new Error('not a WhatsApp noise intro');
    this.noise = new NoiseResponder(this.identity.serverStatic, this.identity.certChain, header);
    this.inBytes = this.inBytes.subarray(offset + 4);
    this.stage = 'hello';
    return true;
  }

  private async onFrame(frame: Buffer): Promise<void> {
    const noise = this.noise!;
    if (this.stage === 'hello') {
      this.writeFrame(noise.onClientHello(frame));
      this.stage = 'finish';
    } else if (this.stage === 'finish') {
      const { clientStaticKey, payload } = noise.onClientFinish(frame);
      this.stage = 'transport';
      await this.handlers.onPayload(this, payload, clientStaticKey);
    } else {
      const node = await decodeBinaryNode(noise.decrypt(frame));
      await this.handlers.onNode(this, node);
    }
  }

  private fail(err: unknown): void {
    // A client that breaks the protocol gets dropped, as the real server would; the reason goes to the log hook.
    this.failure = err;
    this.end();
  }

  failure: unknown;
}
