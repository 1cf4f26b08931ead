import makeWASocket, { DisconnectReason, makeCacheableSignalKeyStore, type AuthenticationState, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { memoryAuthState } from './memory-auth.ts';
import type { FaultControl } from './fault-control.ts';
import { runPool, sleep } from './stats.ts';

/**
 * One side of the fault benchmark: `slots` WhatsApp accounts (one linked device each) that send
 * texts to peer phones and report the texts they receive. Both subjects meet the same faults.
 */
export interface FaultSubject {
  readonly name: 'wamux' | 'bare';
  /** The phone number of each slot's account. */
  readonly phones: readonly string[];
  /** The phones this subject's slots talk to (each subject has its own, so a fault on "peer k" hits both alike). */
  readonly peers: readonly string[];
  link(control: FaultControl, signal: AbortSignal): Promise<void>;
  /** Sends a text from slot `slot`; resolves with the message id, rejects when the subject refuses. */
  send(slot: number, to: string, text: string): Promise<string>;
  /**
   * What became of a send that was answered with an id: still on its way (wamux's queue), handed to
   * WhatsApp, or failed later with the code the caller was told (a status event, the ledger).
   */
  outcome(id: string): SendOutcome;
  /** CPU the subject used so far (wamux: its gateway process; bare: this process, where it runs). */
  cpuSeconds(): Promise<number>;
  /** Whether the slot says it is connected (wamux: `ONLINE`; bare: the socket is open). */
  isOnline(slot: number): boolean;
  /** Called for every text a slot receives from someone else (duplicates included). */
  onReceive: (slot: number, id: string, text: string) => void;
  stop(): Promise<void>;
}

export type SendOutcome = { state: 'pending' } | { state: 'sent' } | { state: 'failed'; code: string };

const logger = pino({ level: process.env.BAILEYS_LOG ?? 'silent' });

/**
 * Bare Baileys as a careful app runs it: in-memory keys behind `makeCacheableSignalKeyStore`, a new
 * socket after every close except a logout (at once for 515, else capped backoff), no other healing.
 */
class BareAccount {
  readonly phone: string;
  sock: WASocket | undefined;
  open = false;
  private readonly auth: AuthenticationState;
  private readonly wsUrl: string;
  private readonly onText: (id: string, text: string) => void;
  private attempt = 0;
  private stopped = false;
  private waiters: Array<{ qr?: (qr: string) => void; open?: () => void }> = [];

  constructor(phone: string, wsUrl: string, onText: (id: string, text: string) => void) {
    this.phone = phone;
    this.wsUrl = wsUrl;
    this.onText = onText;
    const state = memoryAuthState();
    // One cache for the account's life, across sockets, as an app keeps it.
    this.auth = { creds: state.creds, keys: makeCacheableSignalKeyStore(state.keys, logger) };
  }

  connect(): void {
    if (this.stopped) return;
    const sock = makeWASocket({ waWebSocketUrl: this.wsUrl, auth: this.auth, logger });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) if (!m.key.fromMe && m.key.id && m.message?.conversation) this.onText(m.key.id, m.message.conversation);
    });
    sock.ev.on('connection.update', (update) => {
      if (sock !== this.sock) return;
      if (update.qr) for (const w of this.waiters) w.qr?.(update.qr);
      if (update.connection === 'open') {
        this.open = true;
        this.attempt = 0;
        for (const w of this.waiters.splice(0)) w.open?.();
      }
      if (update.connection !== 'close') return;
      this.open = false;
      const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
      if (this.stopped || code === DisconnectReason.loggedOut) return;
      const wait = code === DisconnectReason.restartRequired ? 0 : Math.min(5_000, 250 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      setTimeout(() => this.connect(), wait).unref();
    });
  }

  async link(control: FaultControl): Promise<void> {
    const qr = new Promise<string>((resolve) => this.waiters.push({ qr: resolve }));
    const opened = new Promise<void>((resolve) => this.waiters.push({ open: resolve }));
    this.connect();
    await control.scanQr(this.phone, await qr);
    await opened;
  }

  stop(): void {
    this.stopped = true;
    this.sock?.end(undefined);
  }
}

export class BareSubject implements FaultSubject {
  readonly name = 'bare';
  readonly phones: readonly string[];
  readonly peers: readonly string[];
  onReceive: FaultSubject['onReceive'] = () => {};
  private readonly accounts: BareAccount[];

  constructor(phones: string[], peers: string[], wsUrl: string) {
    this.phones = phones;
    this.peers = peers;
    this.accounts = phones.map((p, slot) => new BareAccount(p, wsUrl, (id, text) => this.onReceive(slot, id, text)));
  }

  async link(control: FaultControl, signal: AbortSignal): Promise<void> {
    const results = await runPool(this.accounts.length, 4, (i) => this.accounts[i]!.link(control), signal);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw new Error(`bare: linking failed: ${String(failed.reason)}`);
  }

  async send(slot: number, to: string, text: string): Promise<string> {
    const account = this.accounts[slot]!;
    if (!account.open || !account.sock) throw new Error('not connected');
    const sent = await account.sock.sendMessage(`${to}@s.whatsapp.net`, { text });
    if (!sent?.key.id) throw new Error('no message id');
    return sent.key.id;
  }

  async cpuSeconds(): Promise<number> {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  }

  /** Bare Baileys answers once the stanza is written: there is nothing after that to wait for. */
  outcome(): SendOutcome {
    return { state: 'sent' };
  }

  isOnline(slot: number): boolean {
    return this.accounts[slot]!.open;
  }

  async stop(): Promise<void> {
    for (const a of this.accounts) a.stop();
    await sleep(0);
  }
}
