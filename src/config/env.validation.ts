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
  ValidateBy,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { firstConstraint } from '../common/validation/first-constraint.js';
import { parseByteSize, parseDurationSeconds } from './duration.js';
import { problemAcrossVariables } from './env-combinations.js';
import {
  InvalidOidcProviders,
  parseOidcProviders,
  type OidcProviderConfig,
} from './oidc-providers.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Signing algorithms: an HMAC secret, or RSA / P-256 key pairs published in the JWKS. */
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
    : value;

/** An OIDC_ALLOWED_REDIRECTS entry: a path (`/after`, not `//host`) or a bare http(s) origin. */
const REDIRECT_ENTRY = /^(\/(?![/\\])[^\s?#\\]*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/i;

/** OIDC_PROVIDERS parsed (see `parseOidcProviders`); its message says what is wrong. */
const IsOidcProviders = () =>
  ValidateBy({
    name: 'isOidcProviders',
    validator: {
      validate: (value) => Array.isArray(value),
      defaultMessage: (args) =>
        `OIDC_PROVIDERS ${args?.value instanceof InvalidOidcProviders ? args.value.problem : 'must be a JSON list'}`,
    },
  });

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

  /**
   * Set when DATABASE_URL goes through a transaction pooler (PgBouncer): the same database,
   * directly, for what needs one session (LISTEN, the migrations' advisory lock). Setting it also
   * turns named prepared statements off on DATABASE_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_DIRECT_URL must be a postgres:// URL' })
  DATABASE_DIRECT_URL?: string;

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

  /**
   * After SIGTERM, how long idle keep-alive connections are left for the load balancer to close
   * (every response after SIGTERM says `Connection: close`) before this instance closes them:
   * longer than the balancer's idle timeout for upstream connections, so it never sends a request
   * on a connection this instance is closing.
   */
  @Transform(toDuration)
  @IsInt({ message: 'SHUTDOWN_IDLE_GRACE must be a duration such as 3s' })
  @Min(0)
  @Max(8)
  SHUTDOWN_IDLE_GRACE = 3;

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

  /**
   * AES-256-GCM keys for secrets stored encrypted (TOTP secrets): 32 random bytes in base64,
   * comma-separated for rotation (the first encrypts, all decrypt). Required in production;
   * elsewhere generated into DATA_DIR when unset.
   */
  @Transform(toList)
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/_-]{43}=?$/, {
    each: true,
    message:
      'DATA_ENCRYPTION_KEY must be 32 random bytes in base64 (`openssl rand -base64 32`), comma-separated to rotate',
  })
  DATA_ENCRYPTION_KEY?: string[];

  /** The issuer an authenticator app shows beside the account (the otpauth URI's `issuer`). */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  TOTP_ISSUER = 'Sentinel';

  /**
   * The WebAuthn relying party: the domain passkeys are bound to (the page's host or a
   * registrable suffix of it), and the name an authenticator shows. Passkeys registered under
   * one RP ID do not work under another.
   */
  @IsString()
  @Matches(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, {
    message: 'WEBAUTHN_RP_ID must be a host name without scheme or port (example.com, localhost)',
  })
  WEBAUTHN_RP_ID = 'localhost';

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  WEBAUTHN_RP_NAME = 'Sentinel';

  /** The exact origins of the pages that run WebAuthn ceremonies, comma-separated. */
  @Transform(toList)
  @ArrayMinSize(1, { message: 'WEBAUTHN_ORIGINS must name at least one origin' })
  @Matches(/^https?:\/\/[^\s/?#]+$/i, {
    each: true,
    message:
      'WEBAUTHN_ORIGINS must be exact origins (https://app.example.com), comma-separated, without paths',
  })
  WEBAUTHN_ORIGINS: string[] = ['http://localhost:3000'];

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
  AUTH_STRATEGIES: string[] = ['jwt', 'api-key'];

  /** After a service account's secret is rotated, the old one keeps working this long. */
  @Transform(toDuration)
  @IsInt({ message: 'CLIENT_SECRET_OVERLAP must be a duration such as 1h, 15m or 0' })
  @Min(0)
  @Max(30 * 86400)
  CLIENT_SECRET_OVERLAP = 3600;

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

  /**
   * `smtp://user:password@host:587` or `smtps://…:465`; `disabled`: no mail (the routes that need
   * it answer 503); unset: `.eml` files under `DATA_DIR/mail` (refused in production).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(smtps?:\/\/\S+|disabled)$/, {
    message: 'MAIL_URL must be an smtp:// or smtps:// URL, or disabled',
  })
  MAIL_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Sentinel <no-reply@localhost>';

  /** The base of the links in mails (the web app that shows the verify/reset pages). */
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'APP_URL must be an http(s):// URL without query, e.g. https://app.example.com',
  })
  APP_URL = 'http://localhost:3000';

  @Matches(/^\/\S*\{token\}\S*$/, {
    message: 'MAIL_LINK_VERIFY must be a path containing {token}, e.g. /verify-email?token={token}',
  })
  MAIL_LINK_VERIFY = '/verify-email?token={token}';

  @Matches(/^\/\S*\{token\}\S*$/, {
    message:
      'MAIL_LINK_RESET must be a path containing {token}, e.g. /reset-password?token={token}',
  })
  MAIL_LINK_RESET = '/reset-password?token={token}';

  @Matches(/^\/\S*\{token\}\S*$/, {
    message:
      'MAIL_LINK_EMAIL_CHANGE must be a path containing {token}, e.g. /confirm-email?token={token}',
  })
  MAIL_LINK_EMAIL_CHANGE = '/confirm-email?token={token}';

  /** Deliveries tried per mail before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  MAIL_MAX_ATTEMPTS = 8;

  /** The first retry's delay; each next one doubles (capped at an hour). */
  @Transform(toDuration)
  @IsInt({ message: 'MAIL_RETRY_DELAY must be a duration such as 30s' })
  @Min(1)
  @Max(3600)
  MAIL_RETRY_DELAY = 30;

  /** How often the outbox worker looks for mail to send (it is also woken after each request). */
  @Transform(toDuration)
  @IsInt({ message: 'MAIL_POLL_INTERVAL must be a duration such as 5s' })
  @Min(1)
  @Max(3600)
  MAIL_POLL_INTERVAL = 5;

  @Transform(toDuration)
  @IsInt({ message: 'EMAIL_VERIFICATION_TTL must be a duration such as 24h' })
  @Min(60)
  @Max(30 * 86400)
  EMAIL_VERIFICATION_TTL = 24 * 3600;

  @Transform(toDuration)
  @IsInt({ message: 'PASSWORD_RESET_TTL must be a duration such as 30m' })
  @Min(1)
  @Max(86400)
  PASSWORD_RESET_TTL = 30 * 60;

  @Transform(toDuration)
  @IsInt({ message: 'EMAIL_CHANGE_TTL must be a duration such as 1h' })
  @Min(1)
  @Max(7 * 86400)
  EMAIL_CHANGE_TTL = 3600;

  /** true: register answers 201/409 (today's); false: 202 whatever the address, and a mail. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'REGISTRATION_REVEALS_ACCOUNTS must be true or false' })
  REGISTRATION_REVEALS_ACCOUNTS = true;

  /** true: an unverified account's correct sign-in is refused (403 `email_not_verified`). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'REQUIRE_VERIFIED_EMAIL must be true or false' })
  REQUIRE_VERIFIED_EMAIL = false;

  /**
   * OpenID providers to sign in with, a JSON list of `{id, issuer, clientId, clientSecret?,
   * scopes?, name?}`; each secret may come from `OIDC_<ID>_CLIENT_SECRET` instead.
   */
  @Transform(({ value, obj }: { value: unknown; obj: Record<string, unknown> }) =>
    typeof value === 'string' ? parseOidcProviders(value, obj) : value,
  )
  @IsOidcProviders()
  OIDC_PROVIDERS: OidcProviderConfig[] | InvalidOidcProviders = [];

  /** Where a provider sign-in may return to: paths and origins, comma-separated. */
  @Transform(toList)
  @IsString({ each: true })
  @Matches(REDIRECT_ENTRY, {
    each: true,
    message:
      'OIDC_ALLOWED_REDIRECTS must be paths (/after) or origins (https://app.example.com), comma-separated',
  })
  OIDC_ALLOWED_REDIRECTS: string[] = [];

  /** The app's public URL (the callback URLs' base); unset: each request's own origin. */
  @Transform(({ value }) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : undefined,
  )
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/i, {
    message: 'PUBLIC_URL must be an http(s) URL such as https://auth.example.com',
  })
  PUBLIC_URL?: string;

  /** A provider whose discovery failed is tried again this often. */
  @Transform(toDuration)
  @IsInt({ message: 'OIDC_DISCOVERY_RETRY must be a duration such as 30s' })
  @Min(1)
  @Max(3600)
  OIDC_DISCOVERY_RETRY = 30;
}

function firstMessage(error: ValidationError): string {
  return firstConstraint(error.constraints) ?? `${error.property} is invalid`;
}

/**
 * Validates and types the environment. Throws an Error whose message is one line naming the
 * offending variable, so a misconfigured deployment stops at start with an actionable message.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, skipMissingProperties: false });
  const problem = (errors[0] && firstMessage(errors[0])) ?? problemAcrossVariables(env);
  if (problem) {
    throw new Error(`Invalid configuration: ${problem}`);
  }
  return env;
}
