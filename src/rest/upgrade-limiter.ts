/**
 * A token bucket per client address for WebSocket upgrades, which never pass through Fastify's
 * rate-limit plugin (SUDEVWA limited `/ws` like every route). Same numbers as the HTTP limit.
 */
export class UpgradeLimiter {
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limit: { perSecond: number; burst: number }) {
    this.perSecond = limit.perSecond;
    this.burst = limit.burst;
  }

  /** Takes one token for `address`; false when it has none left. */
  take(address: string, now = Date.now()): boolean {
    const bucket = this.buckets.get(address) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(address, bucket);
    // Full buckets carry no information; dropping them keeps the map to the addresses in use.
    if (this.buckets.size > 10_000) for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    return allowed;
  }
}
