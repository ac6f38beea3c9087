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
    /** This instance's access-token lifetime (others may issue longer ones). */
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    /** How long past `exp` this instance still accepts a token. */
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE,
    cookieSecure: env.COOKIE_SECURE,
    /**
     * The server whose NOTIFY feed other instances listen to, never through a transaction pooler
     * (LISTEN holds a session); unset on the embedded database.
     */
    databaseUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL,
    /** The LISTEN connection is probed this often; an unanswered probe means it is dead. */
    feedHeartbeatMs: env.REVOCATION_FEED_HEARTBEAT * 1000,
    /** Unconfirmed for longer than this, the instance is not ready (it may miss revocations). */
    feedTimeoutMs: env.REVOCATION_FEED_TIMEOUT * 1000,
  };
});
