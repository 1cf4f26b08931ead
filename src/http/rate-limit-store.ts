/**
 * The operation quotas in memory (one gateway process, no REDIS_URL): per key, the times of the
 * calls within the last window, oldest first. A call is over its quota when `max` calls are already
 * in the window, and it counts either way, as graphql-rate-limit counts refused calls (its Redis
 * store still keeps the quotas of gateways that share one).
 *
 * graphql-rate-limit filtered and copied every stored time on each call, so with a high quota (the
 * bench's 100,000 a minute) a send cost more the more sends the last minute had (≈ 0.6 % of a
 * PostgreSQL send's CPU in the bench). Here the expired times are dropped from the front as they
 * pass, and no more than `max` are kept (the decision only needs the `max` latest), so a call costs
 * the same whatever the quota. Checking and counting are also one synchronous step: graphql-rate-limit
 * read a key's times and wrote them back across an `await`, so calls begun in the same tick all read
 * the same count (ten at once passed a quota of five; over HTTP the awaits before the quota, access
 * checks and instance lookups, kept the calls tried apart).
 */
export class MemoryQuotaLog {
  /** Oldest first: `times[head]` is the oldest call still counted. In order of last use. */
  private readonly entries = new Map<string, { times: number[]; head: number; windowMs: number }>();
  private readonly maxKeys: number;

  /** At most `maxKeys` keys: past that the expired go, then the least recently used. */
  constructor(maxKeys = 100_000) {
    this.maxKeys = maxKeys;
  }

  /** Counts a call of `key` at `now`; true when `max` calls were already made within `windowMs`. */
  take(key: string, max: number, windowMs: number, now = Date.now()): boolean {
    let entry = this.entries.get(key);
    // Taken out and put back: the map's order is the order of last use.
    if (entry) this.entries.delete(key);
    else entry = { times: [], head: 0, windowMs };
    entry.windowMs = windowMs;
    const { times } = entry;
    while (entry.head < times.length && times[entry.head]! + windowMs <= now) entry.head++;
    const over = times.length - entry.head >= max;
    times.push(now);
    if (times.length - entry.head > max) entry.head++;
    if (entry.head > 64 && entry.head * 2 > times.length) {
      times.splice(0, entry.head);
      entry.head = 0;
    }
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.sweep(now);
    return over;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.times.at(-1)! + entry.windowMs <= now) this.entries.delete(key);
    // Still full of live keys: drop the least recently used, so memory stays bounded under attack.
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }
}
