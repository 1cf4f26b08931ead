/**
 * graphql-rate-limit's own InMemoryStore never forgets an identity. This one keeps at most
 * `maxKeys` identities and drops each when its window has passed.
 */
export class ExpiringMemoryStore {
  private readonly entries = new Map<string, { timestamps: number[]; expiresAt: number }>();
  private readonly maxKeys: number;

  constructor(maxKeys = 100_000) {
    this.maxKeys = maxKeys;
  }

  setForIdentity(identity: { contextIdentity: string; fieldIdentity: string }, timestamps: number[], windowMs?: number): void {
    const key = `${identity.contextIdentity}:${identity.fieldIdentity}`;
    this.entries.delete(key);
    if (!timestamps.length) return;
    this.entries.set(key, { timestamps, expiresAt: Math.max(...timestamps) + (windowMs ?? 60_000) });
    if (this.entries.size > this.maxKeys) this.sweep();
  }

  getForIdentity(identity: { contextIdentity: string; fieldIdentity: string }): number[] {
    const key = `${identity.contextIdentity}:${identity.fieldIdentity}`;
    const entry = this.entries.get(key);
    if (!entry) return [];
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return [];
    }
    return entry.timestamps;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    // Still full of live entries: drop the oldest inserted, so memory stays bounded under attack.
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }
}
