import type { EnvironmentVariables } from './env.validation.js';

/**
 * The checks no single variable's validator can make: secrets' strength, and settings that must
 * agree with each other. Each returns one line naming the variables, or undefined.
 */

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

function checkDataEncryptionKey(env: EnvironmentVariables): string | undefined {
  const keys = env.DATA_ENCRYPTION_KEY ?? [];
  if (keys.length === 0 && env.NODE_ENV === 'production') {
    return 'DATA_ENCRYPTION_KEY is required in production (32 random bytes in base64, e.g. `openssl rand -base64 32`)';
  }
  if (keys.some((key) => Buffer.from(key, 'base64').length !== 32)) {
    return 'DATA_ENCRYPTION_KEY must be 32 random bytes in base64 (`openssl rand -base64 32`), comma-separated to rotate';
  }
  return undefined;
}

function checkRevocationFeed(env: EnvironmentVariables): string | undefined {
  if (env.REVOCATION_FEED_TIMEOUT <= env.REVOCATION_FEED_HEARTBEAT) {
    return 'REVOCATION_FEED_TIMEOUT must be longer than REVOCATION_FEED_HEARTBEAT';
  }
  return undefined;
}

function checkDirectUrl(env: EnvironmentVariables): string | undefined {
  if (env.DATABASE_DIRECT_URL !== undefined && env.DATABASE_URL === undefined) {
    return 'DATABASE_DIRECT_URL is the direct way to the database at DATABASE_URL; set both';
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

function checkIssuer(env: EnvironmentVariables): string | undefined {
  // The OAuth metadata's endpoints are the issuer plus their paths (RFC 8414 §2): in production
  // clients must reach them over TLS.
  if (env.NODE_ENV === 'production' && /^http:/i.test(env.JWT_ISSUER)) {
    return 'JWT_ISSUER must be an https:// URL in production (the public base URL of the OAuth endpoints)';
  }
  return undefined;
}

function checkMail(env: EnvironmentVariables): string | undefined {
  if (env.MAIL_URL === undefined && env.NODE_ENV === 'production') {
    return 'MAIL_URL is required in production: smtp(s)://user:password@host:port, or MAIL_URL=disabled to run without mail';
  }
  // The 202 promises a mail either way; without mail it would promise nothing.
  if (env.MAIL_URL === 'disabled' && !env.REGISTRATION_REVEALS_ACCOUNTS) {
    return 'REGISTRATION_REVEALS_ACCOUNTS=false needs mail (it answers every registration with a mail); set MAIL_URL';
  }
  if (
    env.NODE_ENV === 'production' &&
    env.MAIL_URL !== 'disabled' &&
    /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(env.APP_URL)
  ) {
    return 'APP_URL must be set in production to the web app the links in mails open (e.g. https://app.example.com)';
  }
  if (env.PASSWORD_RESET_TTL < 60 && env.NODE_ENV === 'production') {
    return 'PASSWORD_RESET_TTL must be at least 1m in production (a mail takes time to arrive)';
  }
  return undefined;
}

function checkOidc(env: EnvironmentVariables): string | undefined {
  const providers = Array.isArray(env.OIDC_PROVIDERS) ? env.OIDC_PROVIDERS : [];
  if (providers.length > 0 && env.OIDC_ALLOWED_REDIRECTS.length === 0) {
    return 'OIDC_ALLOWED_REDIRECTS must name where a provider sign-in may return (e.g. /signed-in)';
  }
  // Codes, ID tokens and the client secret cross these connections.
  const plain = providers.find((provider) => provider.issuer.startsWith('http:'));
  if (plain && env.NODE_ENV === 'production') {
    return `OIDC_PROVIDERS "${plain.id}" must have an https issuer in production`;
  }
  return undefined;
}

/** The first problem among the checks above, or undefined. */
export function problemAcrossVariables(env: EnvironmentVariables): string | undefined {
  return (
    checkSecrets(env) ??
    checkBootstrapAdmin(env) ??
    checkLockout(env) ??
    checkTrustProxy(env) ??
    checkRevocationFeed(env) ??
    checkDirectUrl(env) ??
    checkMetricsPort(env) ??
    checkIssuer(env) ??
    checkMail(env) ??
    checkOidc(env) ??
    checkDataEncryptionKey(env)
  );
}
