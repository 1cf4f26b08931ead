import makeWASocket, {
  DisconnectReason,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type WASocket,
} from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { memoryAuthState } from './memory-auth.ts';
import { EVENT_WAIT_MS } from './budget.ts';

const logger = pino({ level: process.env.BAILEYS_LOG ?? 'silent' });

export interface CloseInfo {
  statusCode: number | undefined;
  message: string | undefined;
}

/**
 * Drives one real Baileys client against the sandbox the way any app must: a new socket after the
 * 515 restart, and nothing else automatic, so tests see every close reason themselves.
 */
export class TestCompanion {
  readonly wsUrl: string;
  readonly auth: AuthenticationState;
  sock!: WASocket;
  readonly closes: CloseInfo[] = [];
  readonly qrs: string[] = [];
  private listeners = new Set<(u: Partial<ConnectionState>) => void>();

  constructor(wsUrl: string, auth?: AuthenticationState) {
    this.wsUrl = wsUrl;
    this.auth = auth ?? memoryAuthState().state;
    this.connect();
  }

  connect(): WASocket {
    const sock = makeWASocket({ waWebSocketUrl: this.wsUrl, auth: this.auth, logger });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => Object.assign(this.auth.creds, update));
    sock.ev.on('connection.update', (update) => {
      if (update.qr) this.qrs.push(update.qr);
      let restart = false;
      if (update.connection === 'close') {
        const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
        const info = { statusCode: error?.output?.statusCode, message: error?.message };
        this.closes.push(info);
        restart = info.statusCode === DisconnectReason.restartRequired && sock === this.sock;
      }
      for (const l of this.listeners) l(update);
      if (restart) this.connect();
    });
    return sock;
  }

  waitFor(predicate: (u: Partial<ConnectionState>) => boolean, timeoutMs = EVENT_WAIT_MS, what = 'connection update'): Promise<Partial<ConnectionState>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const listener = (u: Partial<ConnectionState>) => {
        if (!predicate(u)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(u);
      };
      this.listeners.add(listener);
    });
  }

  waitForOpen(timeoutMs?: number) {
    return this.waitFor((u) => u.connection === 'open', timeoutMs, 'connection open');
  }

  waitForQr(timeoutMs?: number): Promise<string> {
    if (this.qrs.length) return Promise.resolve(this.qrs.at(-1)!);
    return this.waitFor((u) => !!u.qr, timeoutMs, 'a QR').then((u) => u.qr!);
  }

  async waitForClose(timeoutMs?: number): Promise<CloseInfo> {
    const before = this.closes.length;
    await this.waitFor(() => this.closes.length > before, timeoutMs, 'connection close');
    return this.closes.at(-1)!;
  }

  next<E extends keyof BaileysEventMap>(event: E, predicate: (data: BaileysEventMap[E]) => boolean = () => true, timeoutMs = EVENT_WAIT_MS): Promise<BaileysEventMap[E]> {
    return new Promise((resolve, reject) => {
      const sock = this.sock;
      const timer = setTimeout(() => {
        sock.ev.off(event, handler);
        reject(new Error(`timed out waiting for ${String(event)}`));
      }, timeoutMs);
      const handler = (data: BaileysEventMap[E]) => {
        if (!predicate(data)) return;
        clearTimeout(timer);
        sock.ev.off(event, handler);
        resolve(data);
      };
      sock.ev.on(event, handler);
    });
  }

  end(): void {
    this.sock.end(undefined);
  }
}
