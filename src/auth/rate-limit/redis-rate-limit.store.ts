import { Redis } from 'ioredis';
import type { RateLimitHit, RateLimitStore } from './rate-limit-store.js';

/** One round trip: count the hit and start the window's expiry on the first. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** Counters in Redis (REDIS_URL), shared by every instance. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(url: string) {
    // Fail fast rather than queue: a rate limiter must not make sign-in hang.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, `sentinel:rate:${key}`, windowMs)) as [
      number,
      number,
    ];
    return { count, resetMs: ttl > 0 ? ttl : windowMs };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
