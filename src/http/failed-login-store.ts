import type { Redis } from 'ioredis';
import type { FailedLoginStore, FailedLogins } from '../services/auth/index.ts';

/** The same counts in Redis, shared by every gateway on it (keys under the deployment's prefix). */
export class RedisFailedLogins implements FailedLoginStore {
  private readonly redis: Redis;

  constructor(redis: Redis) {
    this.redis = redis;
  }

  async get(account: string): Promise<FailedLogins | null> {
    const raw = await this.redis.get(this.key(account));
    return raw ? (JSON.parse(raw) as FailedLogins) : null;
  }

  async set(account: string, record: FailedLogins, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(account), JSON.stringify(record), 'PX', ttlMs);
  }

  async delete(account: string): Promise<void> {
    await this.redis.del(this.key(account));
  }

  private key(account: string): string {
    return `failed-login:${Buffer.from(account).toString('base64url')}`;
  }
}
