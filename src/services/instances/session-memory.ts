import type { PossiblyExtendedCacheStore, proto } from '@whiskeysockets/baileys';

/** A message this account sent, and the chat it went to (the only one a retry receipt may get it for). */
export interface SentMessage {
  chat: string;
  message: proto.IMessage;
}

/** Baileys' cache interface over a Map: entries expire after `ttlMs`, the oldest go first past `max`. */
export class TtlCache implements PossiblyExtendedCacheStore {
  private readonly entries = new Map<string, { value: unknown; expires: number }>();
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(ttlMs: number, max: number) {
    this.ttlMs = ttlMs;
    this.max = max;
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.value as T;
    this.entries.delete(key);
    return undefined;
  }

  set<T>(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    // A Map iterates in insertion order: the first key is the least recently written.
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  flushAll(): void {
    this.entries.clear();
  }

  async mget<T>(keys: string[]): Promise<Record<string, T | undefined>> {
    return Object.fromEntries(keys.map((k) => [k, this.get<T>(k)]));
  }

  mset<T>(entries: { key: string; value: T }[]): void {
    for (const { key, value } of entries) this.set(key, value);
  }

  mdel(keys: string[]): void {
    for (const key of keys) this.del(key);
  }
}

/**
 * The sends a session holds in memory when storage has them all: a text's message is ≈ 0.7 KB
 * there, so a day of 5,000 per account was ≈ 3.5 MB per busy instance, gigabytes at a few hundred.
 * Phones ask for a message again within seconds of getting it (or at their next login, which
 * storage answers).
 */
export const SENT_RECENT = { ttlMs: 10 * 60_000, max: 500 };

/**
 * What one account remembers across its sockets. Baileys builds these per socket unless they are
 * passed in, and a socket lives only until the next reconnect. Per socket, every reconnect:
 * - forgets every contact's device list, so the first send to each contact asks for it again, and
 *   Baileys follows each device-list answer with a forced key-bundle fetch (`assertSessions(lids,
 *   true)`) that starts a brand-new Signal session: under flapping connections a contact's session
 *   record gains an entry every reconnect while messages in flight were sealed with the old one;
 * - forgets retry counts, so a message that never decrypts is retried forever;
 * - forgets what was sent, so a phone's retry receipt for a message sent before the reconnect finds
 *   nothing to re-encrypt and the message is lost.
 */
export class SessionMemory {
  /** Device lists, for Baileys' 5 minutes; WhatsApp's device notifications update them meanwhile. */
  readonly userDevices = new TtlCache(5 * 60_000, 10_000);
  readonly msgRetryCounter = new TtlCache(60 * 60_000, 10_000);
  readonly placeholderResends = new TtlCache(60 * 60_000, 10_000);
  /** Plaintexts of recently decrypted ciphertexts, for messages delivered twice (see signal-guard.ts). */
  readonly decrypted = new TtlCache(60 * 60_000, 2_000);
  /** Messages this account sent, by id, for Baileys' `getMessage` (answering retry receipts). */
  private readonly sent: TtlCache;

  /**
   * `storedSends`: the sends are kept in storage too (the ledger), so only the recent ones, where
   * retry receipts come, are held here; older ones are read back when asked for. Without it,
   * everything a phone may still ask for is held: a day, up to 5,000 per account.
   */
  constructor(opts: { storedSends: boolean }) {
    this.sent = opts.storedSends ? new TtlCache(SENT_RECENT.ttlMs, SENT_RECENT.max) : new TtlCache(24 * 60 * 60_000, 5_000);
  }

  rememberSent(id: string, sent: SentMessage): void {
    this.sent.set(id, sent);
  }

  sentMessage(id: string | null | undefined): SentMessage | undefined {
    return id ? this.sent.get<SentMessage>(id) : undefined;
  }
}
