import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { securityConfig } from '../../config/security.config.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit-store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

/** The per-address limit of the sign-in routes, in Redis when REDIS_URL is set, else in memory. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORE,
      inject: [securityConfig.KEY],
      useFactory: (config: ConfigType<typeof securityConfig>): RateLimitStore =>
        config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore(),
    },
    RateLimitGuard,
  ],
  exports: [RateLimitGuard, RATE_LIMIT_STORE],
})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
