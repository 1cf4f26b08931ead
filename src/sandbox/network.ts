import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Directory, type Companion, type Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { deliverStanza } from './delivery.ts';
import type { Group } from './groups.ts';
import { NetworkStats } from './stats.ts';
import type { BinaryNode } from './wa.ts';

export const S_WHATSAPP_NET = 's.whatsapp.net';

export interface NetworkEvents {
  message: [phone: Phone, messageId: string];
  receipt: [phone: Phone];
  presence: [phone: Phone];
  groupEvent: [phone: Phone];
  linked: [phone: Phone, companion: Companion];
  unlinked: [phone: Phone, deviceId: number];
  login: [phone: Phone, companion: Companion];
  pairingCodeRequested: [phoneNumber: string];
}

/** A one-shot fault waiting for its next `remaining` matching stanzas, on one phone's devices or all. */
export interface ArmedFault<K extends string> {
  kind: K;
  phoneNumber?: string;
  remaining: number;
}

export type DeliveryFaultKind = 'drop-after-write' | 'duplicate' | 'out-of-order';

export interface Faults {
  /** Until this time (ms epoch), logins are refused with `refuseCode`. */
  refuseLoginsUntil: number;
  refuseCode: number;
  /** Latency added to every stanza the server sends. */
  delayMs: number;
  /** Faults on the messages the server writes to companions (delivery.ts). */
  delivery: ArmedFault<DeliveryFaultKind>[];
  /** 1:1 sends of a phone's companions answered with an error ack and not routed (463 reach-out timelock, 475 message cap). */
  rejectSends: (ArmedFault<'reject-sends'> & { code: number })[];
  /** Phones that cannot decrypt their next messages from companions, so they ask for a retry. */
  phoneDecryptFailures: ArmedFault<'phone-decrypt-failure'>[];
  /** Companions whose next directory (usync) queries cut their connection instead of being answered. */
  dropOnQuery: ArmedFault<'drop-on-query'>[];
  /** Companions whose next logins take `ms` to catch up: the end-of-backlog marker comes that much later. */
  slowCatchUp: (ArmedFault<'slow-catch-up'> & { ms: number })[];
}

/** Consumes one use of the first armed fault that applies to `phoneNumber` (and passes `accept`). */
export function takeFault<F extends ArmedFault<string>>(list: F[], phoneNumber: string, accept: (f: F) => boolean = () => true): F | undefined {
  const index = list.findIndex((f) => (f.phoneNumber === undefined || f.phoneNumber === phoneNumber) && accept(f));
  if (index < 0) return undefined;
  const fault = list[index]!;
  if (--fault.remaining <= 0) list.splice(index, 1);
  return fault;
}

/**
 * Shared state of the fake network that the protocol handlers work on: accounts, who is online,
 * pending QR refs, faults. Handlers are plain functions over this object, one file per job.
 */
export class Network {
  readonly directory = new Directory();
  /** Group jid -> group. */
  readonly groups = new Map<string, Group>();
  /** `${phoneNumber}:${deviceId}` -> the companion's live connection. */
  readonly online = new Map<string, Connection>();
  readonly connections = new Set<Connection>();
  readonly qrRefs = new Map<string, Connection>();
  readonly events = new EventEmitter<NetworkEvents>();
  readonly faults: Faults = { refuseLoginsUntil: 0, refuseCode: 503, delayMs: 0, delivery: [], rejectSends: [], phoneDecryptFailures: [], dropOnQuery: [], slowCatchUp: [] };
  /** Server-initiated iqs waiting for the client's result, by id. */
  readonly pendingIqs = new Map<string, (node: BinaryNode) => void>();
  mediaHost: (() => { hostname: string; authToken: string; maxBytes: number }) | undefined;
  /** Plain files (profile pictures) on the media host; set by the sandbox once the host runs. */
  files: { store(bytes: Buffer): Promise<{ url: string; directPath: string }>; fetch(directPath: string): Promise<Buffer | undefined> } | undefined;
  /** How long a phone takes to send its automatic delivery receipt. */
  phoneReceiptDelayMs = 150;
  decryptFailures = 0;
  readonly stats = new NetworkStats();
  lastDecryptError: unknown;
  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
    this.events.setMaxListeners(0);
  }

  /** Something persistent changed (accounts, links, keys, queues). */
  changed(): void {
    this.onChange();
  }

  connectionOf(companion: Companion): Connection | undefined {
    return this.online.get(`${companion.phoneNumber}:${companion.deviceId}`);
  }

  /** Sends to a companion now if it is connected, and keeps it until the companion acks it (delivery.ts). */
  deliver(companion: Companion, node: BinaryNode): void {
    deliverStanza(this, companion, node);
  }

  /** Delivers to every linked companion of a phone. */
  deliverToCompanions(phone: Phone, build: (companion: Companion) => BinaryNode | undefined): void {
    for (const companion of phone.companions.values()) {
      const node = build(companion);
      if (node) this.deliver(companion, node);
    }
  }

  sendIq(conn: Connection, node: BinaryNode, timeoutMs = 15_000): Promise<BinaryNode> {
    const id = node.attrs.id ?? newStanzaId();
    node.attrs.id = id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingIqs.delete(id);
        reject(new Error(`no answer to iq ${id}`));
      }, timeoutMs);
      this.pendingIqs.set(id, (reply) => {
        clearTimeout(timer);
        this.pendingIqs.delete(id);
        resolve(reply);
      });
      void conn.send(node);
    });
  }
}

export const nowSeconds = () => String(Math.floor(Date.now() / 1000));
export const newStanzaId = () => randomBytes(8).toString('hex').toUpperCase();
/** Message ids in WhatsApp's style for messages the fake phones send. */
export const newMessageId = () => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { from: S_WHATSAPP_NET, type: 'result', id: request.attrs.id! }, content };
}

export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'error', id: request.attrs.id! },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

export function childBuffer(node: BinaryNode | undefined): Buffer | undefined {
  const content = node?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return undefined;
}
