import { EventEmitter } from 'node:events';
import makeWASocket, { DisconnectReason, type AuthenticationState, type BaileysEventMap, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { memoryAuthState } from './memory-auth.ts';

const logger = pino({ level: process.env.BAILEYS_LOG ?? 'silent' });

export interface CompanionHooks {
  onUpsert(update: BaileysEventMap['messages.upsert']): void;
  onUpdate(updates: BaileysEventMap['messages.update']): void;
}

/**
 * One real Baileys client with default options (only the URL points at the sandbox), driven as an
 * app must: a new socket after the 515 restart that follows pairing; every other close is final.
 */
export class BenchCompanion {
  readonly phone: string;
  readonly auth: AuthenticationState = memoryAuthState();
  sock: WASocket | undefined;
  isOpen = false;
  private readonly wsUrl: string;
  private readonly hooks: CompanionHooks;
  private readonly events = new EventEmitter<{ qr: [string]; open: []; closed: [string] }>();

  constructor(phone: string, wsUrl: string, hooks: CompanionHooks) {
    this.phone = phone;
    this.wsUrl = wsUrl;
    this.hooks = hooks;
  }

  connect(): void {
    const sock = makeWASocket({ waWebSocketUrl: this.wsUrl, auth: this.auth, logger });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    sock.ev.on('messages.upsert', (u) => this.hooks.onUpsert(u));
    sock.ev.on('messages.update', (u) => this.hooks.onUpdate(u));
    sock.ev.on('connection.update', (update) => {
      // Events of a socket we already replaced (the one closed by the 515 restart) are history.
      if (sock !== this.sock) return;
      if (update.qr) this.events.emit('qr', update.qr);
      if (update.connection === 'open') {
        this.isOpen = true;
        this.events.emit('open');
      }
      if (update.connection === 'close') {
        this.isOpen = false;
        const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
        const code = error?.output?.statusCode;
        if (code === DisconnectReason.restartRequired) this.connect();
        else this.events.emit('closed', `closed (${code ?? 'no code'}): ${error?.message ?? 'ended'}`);
      }
    });
  }

  waitForQr(timeoutMs: number): Promise<string> {
    return this.waitFor('qr', timeoutMs) as Promise<string>;
  }

  async waitForOpen(timeoutMs: number): Promise<void> {
    if (this.isOpen) return;
    await this.waitFor('open', timeoutMs);
  }

  /** Ends the socket; Baileys reports the close synchronously, so nothing is left to await. */
  end(): void {
    const sock = this.sock;
    this.sock = undefined;
    this.isOpen = false;
    sock?.end(undefined);
  }

  /** Resolves on `event`, rejects on a final close or when the time is up. */
  private waitFor(event: 'qr' | 'open', timeoutMs: number): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, value?: string) => {
        clearTimeout(timer);
        this.events.off(event, onEvent);
        this.events.off('closed', onClosed);
        if (err) reject(err);
        else resolve(value);
      };
      const onEvent = (value?: string) => done(undefined, value);
      const onClosed = (reason: string) => done(new Error(`${this.phone}: ${reason} while waiting for ${event}`));
      const timer = setTimeout(() => done(new Error(`${this.phone}: no ${event} after ${timeoutMs} ms`)), timeoutMs);
      this.events.on(event, onEvent);
      this.events.on('closed', onClosed);
    });
  }
}
