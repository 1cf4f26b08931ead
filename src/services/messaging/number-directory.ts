import { DisconnectReason } from '@whiskeysockets/baileys';

/**
 * Remembers which numbers are on WhatsApp, per instance, so a burst of sends to the same recipient
 * costs one directory query, not one per message. Bounded and time-limited.
 */
export class NumberDirectory {
  private readonly entries = new Map<string, { jid: string | null; at: number }>();
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(ttlMs = 10 * 60_000, max = 20_000) {
    this.ttlMs = ttlMs;
    this.max = max;
  }

  /** Returns phone number -> JID for the numbers that exist; throws (a 408, as Baileys' timeouts) when the query got no answer. */
  async lookup(
    instanceId: string,
    phoneNumbers: string[],
    query: (phones: string[]) => Promise<Array<{ jid: string; exists: unknown }> | undefined>,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    const now = Date.now();
    for (const phone of phoneNumbers) {
      const hit = this.entries.get(`${instanceId}:${phone}`);
      if (hit && now - hit.at < this.ttlMs) {
        if (hit.jid) out.set(phone, hit.jid);
      } else missing.push(phone);
    }
    if (missing.length) {
      // Baileys answers a query that timed out with undefined: that says nothing about the numbers,
      // and remembering them as absent would fail every send to them for the TTL. It is a socket
      // that went silent under a request (withSocket ends it; the send queue keeps the send).
      const results = await query(missing);
      if (!results) throw Object.assign(new Error('WhatsApp did not answer the directory query'), { output: { statusCode: DisconnectReason.timedOut } });
      const byUser = new Map(results.filter((r) => r.exists).map((r) => [r.jid.split('@')[0]!.split(':')[0]!, r.jid]));
      for (const phone of missing) {
        const jid = byUser.get(phone) ?? null;
        this.set(`${instanceId}:${phone}`, jid, now);
        if (jid) out.set(phone, jid);
      }
    }
    return out;
  }

  private set(key: string, jid: string | null, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { jid, at });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
