import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const sessionsConfig = registerAs('sessions', () => {
  const env = validateEnv(process.env);
  return {
    /** Sliding: each rotation issues a token valid this long (never past the session's end). */
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL,
    /** A just-rotated token presented again within this gets the same successor; 0: reuse. */
    refreshRetryWindowSeconds: env.REFRESH_RETRY_WINDOW,
    /** Absolute: a session ends this long after sign-in, however often it is refreshed. */
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE,
    /**
     * How long a revoked session must stay known: until no access token carrying it can still
     * be accepted (lifetime plus clock tolerance).
     */
    revocationRetentionSeconds: env.ACCESS_TOKEN_TTL + env.JWT_CLOCK_TOLERANCE,
    cookieSecure: env.COOKIE_SECURE,
    /** The server whose NOTIFY feed other instances listen to; unset on the embedded database. */
    databaseUrl: env.DATABASE_URL,
  };
});
