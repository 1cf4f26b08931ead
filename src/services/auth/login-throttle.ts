/** Failed logins of one account: how many in the current window, and when the last attempt began. */
export interface FailedLogins {
  count: number;
  lastAt: number;
}

/**
 * Where failed-login counts live: in memory for one gateway, in Redis (REDIS_URL) for several, so
 * an attacker cannot spread guesses over gateways. Supplied by the composition root.
 */
export interface FailedLoginStore {
  get(account: string): Promise<FailedLogins | null>;
  /** Replaces the record; it is forgotten `ttlMs` after this write. */
  set(account: string, record: FailedLogins, ttlMs: number): Promise<void>;
  delete(account: string): Promise<void>;
}

/** Failures an account may collect before each further attempt has to wait. */
export const FAILURES_BEFORE_DELAY = 5;
/** The first wait; it doubles with each further failure. */
export const FIRST_LOGIN_DELAY_SECONDS = 10;
/** The longest wait: no one can lock an account for longer at a time. */
export const MAX_LOGIN_DELAY_SECONDS = 60;
/** A count is forgotten this long after the account's last failed attempt. */
const WINDOW_MS = 15 * 60_000;

/** Seconds an account with `count` failures waits after its last attempt: 0, then 10, 20, 40, 60, 60 … */
export function loginDelaySeconds(count: number): number {
  return count < FAILURES_BEFORE_DELAY ? 0 : Math.min(MAX_LOGIN_DELAY_SECONDS, FIRST_LOGIN_DELAY_SECONDS * 2 ** (count - FAILURES_BEFORE_DELAY));
}

/**
 * Slows password guessing against one account, from any number of addresses and over GraphQL and
 * REST alike (both log in through the auth service). After FAILURES_BEFORE_DELAY failures each
 * attempt has to wait a growing, capped delay after the previous one; attempts refused for the wait
 * are not counted, so an attacker never makes the wait longer than MAX_LOGIN_DELAY_SECONDS and the
 * owner gets in with the right password once it has passed. A success clears the count.
 */
export class LoginThrottle {
  private readonly store: FailedLoginStore;

  constructor(store: FailedLoginStore) {
    this.store = store;
  }

  /**
   * Seconds to wait before `account` may try again, or 0 after reserving this attempt: it is
   * counted as failed before the password is checked, so parallel guesses see each other.
   */
  async begin(account: string, now = Date.now()): Promise<number> {
    const record = await this.store.get(account);
    if (record) {
      const waitMs = record.lastAt + loginDelaySeconds(record.count) * 1000 - now;
      if (waitMs > 0) return Math.ceil(waitMs / 1000);
    }
    await this.store.set(account, { count: (record?.count ?? 0) + 1, lastAt: now }, WINDOW_MS);
    return 0;
  }

  /** The password was right: the account's failures are forgotten. */
  async succeeded(account: string): Promise<void> {
    await this.store.delete(account);
  }
}

/** One key per account, whatever the case or whitespace of the name typed. */
export const accountKey = (username: unknown): string => (typeof username === 'string' ? username.trim().toLowerCase() : '');

/** Failed-login counts of one process; at most `maxKeys` accounts (unknown names count too), expired ones swept first. */
export class MemoryFailedLogins implements FailedLoginStore {
  private readonly entries = new Map<string, { record: FailedLogins; expiresAt: number }>();
  private readonly maxKeys: number;

  constructor(maxKeys = 100_000) {
    this.maxKeys = maxKeys;
  }

  async get(account: string): Promise<FailedLogins | null> {
    const entry = this.entries.get(account);
    if (!entry) return null;
    if (entry.expiresAt > Date.now()) return entry.record;
    this.entries.delete(account);
    return null;
  }

  async set(account: string, record: FailedLogins, ttlMs: number): Promise<void> {
    this.entries.delete(account);
    this.entries.set(account, { record, expiresAt: Date.now() + ttlMs });
    if (this.entries.size <= this.maxKeys) return;
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  async delete(account: string): Promise<void> {
    this.entries.delete(account);
  }
}
