import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const securityConfig = registerAs('security', () => {
  const env = validateEnv(process.env);
  return {
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginMaxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginLockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
    passwordHashQueueMax: env.PASSWORD_HASH_QUEUE_MAX,
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    authStrategies: env.AUTH_STRATEGIES,
    redisUrl: env.REDIS_URL,
    metricsEnabled: env.METRICS_ENABLED,
    /** Scrapes must present it as a bearer token; unset: none needed. */
    metricsToken: env.METRICS_TOKEN,
    /** /metrics is served on this port instead of the API's; unset: on the API's. */
    metricsPort: env.METRICS_PORT,
  };
});
