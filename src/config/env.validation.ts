import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMinSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { firstConstraint } from '../common/validation/first-constraint.js';
import { parseByteSize, parseDurationSeconds } from './duration.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Signing algorithms: an HMAC secret, or RSA / P-256 key pairs published in the JWKS. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Minimum HMAC key size: RFC 7518 §3.2 requires a key at least as long as the hash (256 bits). */
export const MIN_SECRET_BYTES = 32;

/** Values copied from tutorials and sample files; refused whatever their length. */
const PLACEHOLDER_SECRETS = [
  'secret',
  'changeme',
  'change-me',
  'changeit',
  'password',
  'jwt-secret',
  'jwt_secret',
  'your-secret',
  'your_secret',
  'your-256-bit-secret',
  'mysecret',
  'supersecret',
  'replace-me',
  'placeholder',
  // The NestJS documentation's sample, long enough to pass a length check.
  'do not use this value. instead, create a complex secret and keep it safe outside of the source code.',
];

/** Random secrets of 32+ bytes have far more distinct characters; `aaaa…` or `1234…` do not. */
const MIN_DISTINCT_CHARACTERS = 10;

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

const toDuration = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (parseDurationSeconds(value) ?? value) : value;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The environment the service reads, with its defaults. Durations are whole seconds. */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean({ message: 'DB_MIGRATIONS_RUN must be true or false' })
  DB_MIGRATIONS_RUN = true;

  @IsIn(JWT_ALGORITHMS, { message: 'JWT_ALG must be one of HS256, RS256, ES256' })
  JWT_ALG: JwtAlgorithm = 'ES256';

  /** PEM private keys (PKCS#8), one per file, `<kid>.pem`; default `DATA_DIR/keys`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_KEYS_DIR?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\w.-]{1,64}$/, { message: 'JWT_SIGNING_KID must be a key file name without .pem' })
  JWT_SIGNING_KID?: string;

  /** HS256 secrets that still verify (comma-separated), for rotating the secret. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_SECRETS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'sentinel';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'sentinel-api';

  @Transform(toDuration)
  @IsInt({ message: 'JWT_CLOCK_TOLERANCE must be a duration such as 30 or 30s' })
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE = 30;

  @Transform(toDuration)
  @IsInt({ message: 'ACCESS_TOKEN_TTL must be a duration such as 900, 15m or 1h' })
  @Min(1)
  @Max(86400)
  ACCESS_TOKEN_TTL = 900;

  @Transform(toDuration)
  @IsInt({ message: 'REFRESH_TOKEN_TTL must be a duration such as 14d or 336h' })
  @Min(1)
  @Max(365 * 86400)
  REFRESH_TOKEN_TTL = 14 * 86400;

  /**
   * How long a just-rotated refresh token may be presented again and get the same successor (a
   * response lost on the way); 0: never, any second presentation is reuse. Capped: within the
   * window a stolen token is as good as the client's.
   */
  @Transform(toDuration)
  @IsInt({ message: 'REFRESH_RETRY_WINDOW must be a duration of at most 60s, such as 0 or 10s' })
  @Min(0, { message: 'REFRESH_RETRY_WINDOW must be a duration of at most 60s, such as 0 or 10s' })
  @Max(60, { message: 'REFRESH_RETRY_WINDOW must be a duration of at most 60s, such as 0 or 10s' })
  REFRESH_RETRY_WINDOW = 0;

  @Transform(toDuration)
  @IsInt({ message: 'SESSION_MAX_AGE must be a duration such as 30d' })
  @Min(1)
  @Max(365 * 86400)
  SESSION_MAX_AGE = 30 * 86400;

  @Transform(toBoolean)
  @IsBoolean({ message: 'COOKIE_SECURE must be true or false' })
  COOKIE_SECURE = true;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'BOOTSTRAP_ADMIN_EMAIL must be an email address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'log';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 5;

  /** Failed sign-ins per email across all addresses in one lockout window: then locked for all. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 100;

  @Transform(toDuration)
  @IsInt({ message: 'LOGIN_LOCKOUT_SECONDS must be a duration such as 900 or 15m' })
  @Min(1)
  @Max(7 * 86400)
  LOGIN_LOCKOUT_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 20;

  /** argon2 runs that may wait for a core; beyond them 503 `server_busy` instead of a queue. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100_000)
  PASSWORD_HASH_QUEUE_MAX = 100;

  /** Shared rate-limit counters for several instances; unset: in memory. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  /**
   * The Passport strategies the global guard tries on every protected request, in order, comma-
   * separated: `jwt` (bearer access tokens) and any a module of the app registers.
   */
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean)
      : value,
  )
  @IsString({ each: true })
  @Matches(/^[a-z0-9][\w-]*$/i, {
    each: true,
    message:
      'AUTH_STRATEGIES must be Passport strategy names separated by commas, e.g. jwt,api-key',
  })
  @ArrayMinSize(1, { message: 'AUTH_STRATEGIES must name at least one strategy' })
  AUTH_STRATEGIES: string[] = ['jwt'];

  /** The proxies in front (a hop count or their addresses/CIDRs), for the client address. */
  @Transform(({ value }) => (typeof value === 'string' ? (parseTrustProxy(value) ?? value) : value))
  @IsOptional()
  TRUST_PROXY: TrustProxy = false;

  @Transform(({ value }) => (typeof value === 'string' ? (parseByteSize(value) ?? value) : value))
  @IsInt({ message: 'BODY_LIMIT must be a size such as 102400 or 100kb' })
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT = 100 * 1024;

  /** Origins allowed to call the API from a browser, comma-separated; unset: none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED = true;

  /** Scrapers must send it as a bearer token; unset: /metrics needs none. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Serve /metrics on this port only (not on PORT); unset: on PORT. */
  @Transform(({ value }) => toInt({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsInt({ message: 'METRICS_PORT must be a port number' })
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** How often the LISTEN connection proves it is alive (a query on that connection). */
  @Transform(toDuration)
  @IsInt({ message: 'REVOCATION_FEED_HEARTBEAT must be a duration such as 2s' })
  @Min(1)
  @Max(60)
  REVOCATION_FEED_HEARTBEAT = 2;

  /** Unconfirmed for longer than this, the feed makes the instance not ready (503). */
  @Transform(toDuration)
  @IsInt({ message: 'REVOCATION_FEED_TIMEOUT must be a duration such as 5s' })
  @Min(2)
  @Max(300)
  REVOCATION_FEED_TIMEOUT = 5;
}

function firstMessage(error: ValidationError): string {
  return firstConstraint(error.constraints) ?? `${error.property} is invalid`;
}

function checkSecretValue(name: string, secret: string): string | undefined {
  if (PLACEHOLDER_SECRETS.includes(secret.trim().toLowerCase())) {
    return `${name} is a well-known placeholder; use 32+ random bytes`;
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    return `${name} must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)`;
  }
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) {
    return `${name} looks like a placeholder, not random bytes (e.g. \`openssl rand -base64 48\`)`;
  }
  return undefined;
}

function checkSecrets(env: EnvironmentVariables): string | undefined {
  const previous = (env.JWT_PREVIOUS_SECRETS ?? '').split(',').filter((value) => value.trim());
  const weakPrevious = previous
    .map((secret) => checkSecretValue('JWT_PREVIOUS_SECRETS', secret.trim()))
    .find(Boolean);
  if (env.JWT_SECRET === undefined) {
    const required = env.NODE_ENV === 'production' && env.JWT_ALG === 'HS256';
    return required
      ? 'JWT_SECRET is required in production with JWT_ALG=HS256 (32+ random bytes, e.g. `openssl rand -base64 48`)'
      : weakPrevious;
  }
  return checkSecretValue('JWT_SECRET', env.JWT_SECRET) ?? weakPrevious;
}

function checkRevocationFeed(env: EnvironmentVariables): string | undefined {
  if (env.REVOCATION_FEED_TIMEOUT <= env.REVOCATION_FEED_HEARTBEAT) {
    return 'REVOCATION_FEED_TIMEOUT must be longer than REVOCATION_FEED_HEARTBEAT';
  }
  return undefined;
}

function checkMetricsPort(env: EnvironmentVariables): string | undefined {
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
    return 'METRICS_PORT must differ from PORT (unset it to serve /metrics on PORT)';
  }
  return undefined;
}

function checkLockout(env: EnvironmentVariables): string | undefined {
  // Below the per-address limit, the account ceiling would lock the owner out first.
  if (env.LOGIN_MAX_FAILURES_PER_ACCOUNT < env.LOGIN_MAX_FAILURES) {
    return `LOGIN_MAX_FAILURES_PER_ACCOUNT (${env.LOGIN_MAX_FAILURES_PER_ACCOUNT}) must be at least LOGIN_MAX_FAILURES (${env.LOGIN_MAX_FAILURES})`;
  }
  return undefined;
}

function checkBootstrapAdmin(env: EnvironmentVariables): string | undefined {
  if (Boolean(env.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(env.BOOTSTRAP_ADMIN_PASSWORD)) {
    return 'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together';
  }
  return undefined;
}

function checkTrustProxy(env: EnvironmentVariables): string | undefined {
  // Still the raw string when parseTrustProxy could not read it.
  if (typeof (env.TRUST_PROXY as unknown) === 'string') {
    return 'TRUST_PROXY must be false, the number of proxies in front (e.g. 1) or their addresses/CIDRs, comma-separated (e.g. 10.0.0.0/8)';
  }
  if (env.TRUST_PROXY === true && env.NODE_ENV === 'production') {
    return 'TRUST_PROXY=true trusts every hop, so any client can pick its own address; set the number of proxies in front (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8)';
  }
  return undefined;
}

/**
 * Validates and types the environment. Throws an Error whose message is one line naming the
 * offending variable, so a misconfigured deployment stops at start with an actionable message.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, skipMissingProperties: false });
  const problem =
    (errors[0] && firstMessage(errors[0])) ??
    checkSecrets(env) ??
    checkBootstrapAdmin(env) ??
    checkLockout(env) ??
    checkTrustProxy(env) ??
    checkRevocationFeed(env) ??
    checkMetricsPort(env);
  if (problem) {
    throw new Error(`Invalid configuration: ${problem}`);
  }
  return env;
}
