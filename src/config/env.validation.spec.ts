import { parseDurationSeconds } from './duration.js';
import { MIN_SECRET_BYTES } from './env-combinations.js';
import { validateEnv } from './env.validation.js';

/** 48 random-looking characters: long enough and not a placeholder. */
const SECRET = 'qT3v9Lk2Zp8xW1mN7bR4cY6hJ0sD5fG2aE9uI3oP8lK1zX4v';

/** The error validateEnv throws for `raw`; fails the test when it does not throw. */
function configError(raw: Record<string, unknown>): Error {
  try {
    validateEnv(raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

/** Every production example has one (required there since issue 14). */
const DATA_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['14d', 14 * 86400],
    [' 2h ', 7200],
    ['0', 0],
  ])('parses %p as %p seconds', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each(['', 'abc', '15x', '1.5h', '-5', 'h', '99999999999999999999d'])(
    'returns undefined for %p',
    (input) => {
      expect(parseDurationSeconds(input)).toBeUndefined();
    },
  );
});

describe('validateEnv', () => {
  describe('defaults', () => {
    it('fills every default when the environment is empty', () => {
      const env = validateEnv({});

      expect(env).toMatchObject({
        NODE_ENV: 'development',
        PORT: 3000,
        DB_MIGRATIONS_RUN: true,
        JWT_ALG: 'ES256',
        JWT_ISSUER: 'sentinel',
        JWT_AUDIENCE: 'sentinel-api',
        JWT_CLOCK_TOLERANCE: 30,
        ACCESS_TOKEN_TTL: 900,
      });
      expect(env.JWT_SECRET).toBeUndefined();
      expect(env.JWT_PREVIOUS_SECRETS).toBeUndefined();
      expect(env.JWT_KEYS_DIR).toBeUndefined();
      expect(env.JWT_SIGNING_KID).toBeUndefined();
      expect(env.DATABASE_URL).toBeUndefined();
    });

    it('keeps explicit values over the defaults', () => {
      const env = validateEnv({
        PORT: '8080',
        JWT_ISSUER: 'https://auth.example.com',
        JWT_AUDIENCE: 'example-api',
      });

      expect(env.PORT).toBe(8080);
      expect(env.JWT_ISSUER).toBe('https://auth.example.com');
      expect(env.JWT_AUDIENCE).toBe('example-api');
    });

    it('drops variables it does not know', () => {
      const env = validateEnv({ PATH: '/usr/bin', HOME: '/root' }) as unknown as Record<
        string,
        unknown
      >;

      expect(env.PATH).toBeUndefined();
      expect(env.HOME).toBeUndefined();
    });
  });

  describe('durations', () => {
    it.each([
      ['15m', 900],
      ['1h', 3600],
      ['30s', 30],
      ['600', 600],
    ])('reads ACCESS_TOKEN_TTL=%p as %p seconds', (value, seconds) => {
      expect(validateEnv({ ACCESS_TOKEN_TTL: value }).ACCESS_TOKEN_TTL).toBe(seconds);
    });

    it('reads JWT_CLOCK_TOLERANCE as a duration too', () => {
      expect(validateEnv({ JWT_CLOCK_TOLERANCE: '1m' }).JWT_CLOCK_TOLERANCE).toBe(60);
      expect(validateEnv({ JWT_CLOCK_TOLERANCE: '0' }).JWT_CLOCK_TOLERANCE).toBe(0);
    });

    it.each(['15 minutes', '1.5h', 'soon', '-60'])(
      'rejects ACCESS_TOKEN_TTL=%p naming the variable',
      (value) => {
        expect(configError({ ACCESS_TOKEN_TTL: value }).message).toBe(
          'Invalid configuration: ACCESS_TOKEN_TTL must be a duration such as 900, 15m or 1h',
        );
      },
    );

    it('rejects an ACCESS_TOKEN_TTL of zero or over a day', () => {
      expect(configError({ ACCESS_TOKEN_TTL: '0' }).message).toContain('ACCESS_TOKEN_TTL');
      expect(configError({ ACCESS_TOKEN_TTL: '2d' }).message).toContain('ACCESS_TOKEN_TTL');
    });

    it('reads REFRESH_RETRY_WINDOW as a duration, 0 (strict reuse detection) by default', () => {
      expect(validateEnv({}).REFRESH_RETRY_WINDOW).toBe(0);
      expect(validateEnv({ REFRESH_RETRY_WINDOW: '10s' }).REFRESH_RETRY_WINDOW).toBe(10);
      expect(validateEnv({ REFRESH_RETRY_WINDOW: '1m' }).REFRESH_RETRY_WINDOW).toBe(60);
    });

    it.each(['soon', '-1', '61', '2m'])(
      'rejects REFRESH_RETRY_WINDOW=%p naming the variable',
      (value) => {
        expect(configError({ REFRESH_RETRY_WINDOW: value }).message).toBe(
          'Invalid configuration: REFRESH_RETRY_WINDOW must be a duration of at most 60s, such as 0 or 10s',
        );
      },
    );

    it('rejects an invalid JWT_CLOCK_TOLERANCE naming the variable', () => {
      expect(configError({ JWT_CLOCK_TOLERANCE: 'lots' }).message).toContain('JWT_CLOCK_TOLERANCE');
      expect(configError({ JWT_CLOCK_TOLERANCE: '10m' }).message).toContain('JWT_CLOCK_TOLERANCE');
    });
  });

  describe('JWT_SECRET', () => {
    it(`accepts a secret of exactly ${MIN_SECRET_BYTES} bytes`, () => {
      const secret = '0123456789abcdefghijklmnopqrstuv';
      expect(Buffer.byteLength(secret)).toBe(MIN_SECRET_BYTES);

      expect(validateEnv({ JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
    });

    it(`rejects a secret shorter than ${MIN_SECRET_BYTES} bytes`, () => {
      expect(configError({ JWT_SECRET: '0123456789abcdefghijklmnopqrstu' }).message).toBe(
        `Invalid configuration: JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)`,
      );
    });

    it('counts UTF-8 bytes, not characters', () => {
      // Each of these is two bytes in UTF-8: 16 characters are 32 bytes, 15 are 30.
      const twoByte = 'éàüöçñøåæîêëïôûù';
      expect(validateEnv({ JWT_SECRET: twoByte }).JWT_SECRET).toBe(twoByte);
      expect(configError({ JWT_SECRET: twoByte.slice(1) }).message).toContain(
        `at least ${MIN_SECRET_BYTES} bytes`,
      );
    });

    it.each([
      'secret',
      'SECRET',
      'changeme',
      'ChangeMe',
      '  secret  ',
      'your-256-bit-secret',
      'placeholder',
    ])('rejects the placeholder %p as a placeholder', (secret) => {
      expect(
        configError({ JWT_SECRET: secret, NODE_ENV: 'production', DATA_ENCRYPTION_KEY }).message,
      ).toBe('Invalid configuration: JWT_SECRET is a well-known placeholder; use 32+ random bytes');
    });

    it.each([
      ['a repeated character', 'a'.repeat(64)],
      ['a short repeated pattern', '12341234'.repeat(8)],
      [
        'the NestJS documentation sample',
        'DO NOT USE THIS VALUE. INSTEAD, CREATE A COMPLEX SECRET AND KEEP IT SAFE OUTSIDE OF THE SOURCE CODE.',
      ],
    ])('rejects %s, long enough but not random', (_label, secret) => {
      expect(configError({ JWT_SECRET: secret }).message).toMatch(
        /^Invalid configuration: JWT_SECRET (looks like a|is a well-known) placeholder/,
      );
    });

    it('refuses to start in production with JWT_ALG=HS256 without JWT_SECRET', () => {
      const message = configError({
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        JWT_ALG: 'HS256',
      }).message;

      expect(message).toBe(
        'Invalid configuration: JWT_SECRET is required in production with JWT_ALG=HS256 (32+ random bytes, e.g. `openssl rand -base64 48`)',
      );
    });

    it.each(['ES256', 'RS256', undefined])(
      'allows production without JWT_SECRET when JWT_ALG is %p (key files sign)',
      (algorithm) => {
        const env = validateEnv({
          NODE_ENV: 'production',
          DATA_ENCRYPTION_KEY,
          JWT_ALG: algorithm,
          MAIL_URL: 'disabled',
        });

        expect(env.NODE_ENV).toBe('production');
        expect(env.JWT_ALG).toBe(algorithm ?? 'ES256');
        expect(env.JWT_SECRET).toBeUndefined();
      },
    );

    it('still checks a JWT_SECRET that is set when JWT_ALG is not HS256', () => {
      expect(configError({ JWT_ALG: 'ES256', JWT_SECRET: 'short' }).message).toContain(
        'JWT_SECRET must be at least',
      );
    });

    it('treats an empty JWT_SECRET as unset (refused in production with HS256)', () => {
      expect(
        configError({
          NODE_ENV: 'production',
          DATA_ENCRYPTION_KEY,
          JWT_ALG: 'HS256',
          JWT_SECRET: '  ',
        }).message,
      ).toContain('JWT_SECRET is required in production');
    });

    it('allows development and test without JWT_SECRET (a dev secret is generated)', () => {
      expect(validateEnv({ NODE_ENV: 'development' }).JWT_SECRET).toBeUndefined();
      expect(validateEnv({ NODE_ENV: 'test' }).NODE_ENV).toBe('test');
    });

    it('accepts production with a strong secret', () => {
      const env = validateEnv({
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        JWT_ALG: 'HS256',
        JWT_SECRET: SECRET,
        MAIL_URL: 'disabled',
      });

      expect(env.NODE_ENV).toBe('production');
      expect(env.JWT_ALG).toBe('HS256');
      expect(env.JWT_SECRET).toBe(SECRET);
    });
  });

  describe('JWT_ALG', () => {
    it.each(['HS256', 'RS256', 'ES256'])('accepts %p', (algorithm) => {
      expect(validateEnv({ JWT_ALG: algorithm }).JWT_ALG).toBe(algorithm);
    });

    it.each(['none', 'HS512', 'PS256', 'EdDSA', 'es256', ''])(
      'rejects %p, an algorithm this build cannot sign with',
      (algorithm) => {
        expect(configError({ JWT_ALG: algorithm }).message).toBe(
          'Invalid configuration: JWT_ALG must be one of HS256, RS256, ES256',
        );
      },
    );
  });

  describe('JWT_PREVIOUS_SECRETS', () => {
    const OTHER = 'Zx8cV2bN6mQ1wE5rT9yU3iO7pA4sD0fG8hJ2kL6zX1cV5bN9';

    it('accepts strong secrets, comma-separated with spaces and empty entries', () => {
      const value = ` ${OTHER} ,, ${SECRET.split('').reverse().join('')} `;

      expect(validateEnv({ JWT_SECRET: SECRET, JWT_PREVIOUS_SECRETS: value })).toMatchObject({
        JWT_SECRET: SECRET,
        JWT_PREVIOUS_SECRETS: value,
      });
    });

    it('treats an empty value as unset', () => {
      expect(validateEnv({ JWT_PREVIOUS_SECRETS: ' ' }).JWT_PREVIOUS_SECRETS).toBeUndefined();
    });

    it.each<[string, string, string]>([
      ['a short secret', 'short-one', 'must be at least 32 bytes'],
      ['a placeholder', 'changeme', 'is a well-known placeholder'],
      ['a repeated pattern', 'ab'.repeat(20), 'looks like a placeholder'],
    ])('refuses %s among them, naming JWT_PREVIOUS_SECRETS', (_case, weak, reason) => {
      const message = configError({
        JWT_SECRET: SECRET,
        JWT_PREVIOUS_SECRETS: `${OTHER},${weak}`,
      }).message;

      expect(message).toMatch(/^Invalid configuration: JWT_PREVIOUS_SECRETS /);
      expect(message).toContain(reason);
      expect(message).not.toContain(weak);
    });

    it('checks them even when JWT_SECRET is unset (development)', () => {
      expect(configError({ JWT_ALG: 'HS256', JWT_PREVIOUS_SECRETS: 'weak' }).message).toMatch(
        /^Invalid configuration: JWT_PREVIOUS_SECRETS must be at least 32 bytes/,
      );
    });
  });

  describe('JWT_SIGNING_KID and JWT_KEYS_DIR', () => {
    it.each(['20250101T000000Z-es256', 'key.v2', 'a_b-c'])('accepts the kid %p', (kid) => {
      expect(validateEnv({ JWT_SIGNING_KID: kid }).JWT_SIGNING_KID).toBe(kid);
    });

    it.each(['../etc/passwd', 'keys/a', 'a b', 'k'.repeat(65)])(
      'rejects the kid %p naming JWT_SIGNING_KID',
      (kid) => {
        expect(configError({ JWT_SIGNING_KID: kid }).message).toBe(
          'Invalid configuration: JWT_SIGNING_KID must be a key file name without .pem',
        );
      },
    );

    it('keeps JWT_KEYS_DIR as given, and an empty one as unset', () => {
      expect(validateEnv({ JWT_KEYS_DIR: '/run/secrets/jwt' }).JWT_KEYS_DIR).toBe(
        '/run/secrets/jwt',
      );
      expect(validateEnv({ JWT_KEYS_DIR: '' }).JWT_KEYS_DIR).toBeUndefined();
    });
  });

  describe('AUTH_STRATEGIES', () => {
    it('defaults to jwt then api-key, and reads a comma list in order, trimmed', () => {
      expect(validateEnv({}).AUTH_STRATEGIES).toEqual(['jwt', 'api-key']);
      expect(
        validateEnv({ AUTH_STRATEGIES: ' jwt , service-key,api_key ' }).AUTH_STRATEGIES,
      ).toEqual(['jwt', 'service-key', 'api_key']);
    });

    it.each(['jwt,bad name', 'jwt,-leading-dash', ' , '])('refuses %p with one line', (value) => {
      expect(configError({ AUTH_STRATEGIES: value }).message).toMatch(/AUTH_STRATEGIES/);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each<[string, unknown]>([
      ['false', false],
      ['0', false],
      ['', false],
      ['1', 1],
      ['2', 2],
      ['true', true],
      [' 10.0.0.0/8 , 192.168.1.7,fd00::/8 ', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
      ['loopback, uniquelocal', ['loopback', 'uniquelocal']],
    ])('reads %p as %p', (value, expected) => {
      expect(validateEnv({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
    });

    it('defaults to no proxy', () => {
      expect(validateEnv({}).TRUST_PROXY).toBe(false);
    });

    it.each([
      'maybe',
      '1.5',
      '-1',
      '10.0.0.0/33',
      '::1/129',
      '10.0.0.0/8/1',
      '10.0.0',
      'a, 10.0.0.1',
    ])('refuses %p with one line naming it', (value) => {
      expect(configError({ TRUST_PROXY: value }).message).toMatch(/TRUST_PROXY must be/);
    });

    it('refuses true in production, saying what to set instead', () => {
      const message = configError({
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        TRUST_PROXY: 'true',
      }).message;

      expect(message).toMatch(/^Invalid configuration: TRUST_PROXY=true trusts every hop/);
      expect(message).toContain('number of proxies in front (e.g. 1)');
    });

    it('accepts a hop count or a list in production', () => {
      const production = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY, MAIL_URL: 'disabled' };
      expect(validateEnv({ ...production, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
      expect(validateEnv({ ...production, TRUST_PROXY: '10.0.0.0/8' }).TRUST_PROXY).toEqual([
        '10.0.0.0/8',
      ]);
    });
  });

  describe('PORT', () => {
    it.each(['abc', '70000', '-1', '80.5'])('rejects PORT=%p naming PORT', (port) => {
      expect(configError({ PORT: port }).message).toContain('PORT');
    });

    it('accepts the edges of the port range', () => {
      expect(validateEnv({ PORT: '0' }).PORT).toBe(0);
      expect(validateEnv({ PORT: '65535' }).PORT).toBe(65535);
    });
  });

  describe('lockout and the argon2 queue', () => {
    it('defaults to 100 failures per account and 100 argon2 runs waiting', () => {
      const env = validateEnv({});
      expect(env.LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(100);
      expect(env.PASSWORD_HASH_QUEUE_MAX).toBe(100);
    });

    it('reads both as integers; a queue of 0 means no waiting at all', () => {
      const env = validateEnv({
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '250',
        PASSWORD_HASH_QUEUE_MAX: '0',
      });
      expect(env.LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(250);
      expect(env.PASSWORD_HASH_QUEUE_MAX).toBe(0);
    });

    it.each([
      ['LOGIN_MAX_FAILURES_PER_ACCOUNT', '0'],
      ['LOGIN_MAX_FAILURES_PER_ACCOUNT', 'many'],
      ['PASSWORD_HASH_QUEUE_MAX', '-1'],
      ['PASSWORD_HASH_QUEUE_MAX', '1.5'],
    ])('rejects %s=%p naming it', (name, value) => {
      expect(configError({ [name]: value }).message).toContain(name);
    });

    it('refuses an account ceiling below the per-address limit, and accepts it equal', () => {
      expect(
        configError({ LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ACCOUNT: '9' }).message,
      ).toBe(
        'Invalid configuration: LOGIN_MAX_FAILURES_PER_ACCOUNT (9) must be at least LOGIN_MAX_FAILURES (10)',
      );
      const env = validateEnv({ LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10' });
      expect(env.LOGIN_MAX_FAILURES_PER_ACCOUNT).toBe(10);
    });
  });

  describe('DATABASE_URL', () => {
    it.each(['postgres://u:p@db:5432/app', 'postgresql://localhost/app'])('accepts %p', (url) => {
      expect(validateEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    });

    it('rejects a URL for another database', () => {
      expect(configError({ DATABASE_URL: 'mysql://u:p@db/app' }).message).toBe(
        'Invalid configuration: DATABASE_URL must be a postgres:// URL',
      );
    });

    it('treats an empty DATABASE_URL as unset (embedded database)', () => {
      expect(validateEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    });
  });

  describe('DB_MIGRATIONS_RUN', () => {
    it.each([
      ['false', false],
      ['0', false],
      ['no', false],
      ['TRUE', true],
      ['1', true],
    ])('reads %p as %p', (value, expected) => {
      expect(validateEnv({ DB_MIGRATIONS_RUN: value }).DB_MIGRATIONS_RUN).toBe(expected);
    });

    it('rejects anything that is not a boolean', () => {
      expect(configError({ DB_MIGRATIONS_RUN: 'sometimes' }).message).toBe(
        'Invalid configuration: DB_MIGRATIONS_RUN must be true or false',
      );
    });
  });

  describe('bootstrap admin', () => {
    it('accepts an email with a password', () => {
      const env = validateEnv({
        BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com',
        BOOTSTRAP_ADMIN_PASSWORD: 'a long admin password',
      });

      expect(env.BOOTSTRAP_ADMIN_EMAIL).toBe('admin@example.com');
      expect(env.BOOTSTRAP_ADMIN_PASSWORD).toBe('a long admin password');
    });

    it('rejects an email without a password, and a password without an email', () => {
      const expected =
        'Invalid configuration: BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together';

      expect(configError({ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' }).message).toBe(expected);
      expect(
        configError({ BOOTSTRAP_ADMIN_EMAIL: '', BOOTSTRAP_ADMIN_PASSWORD: 'a long password!' })
          .message,
      ).toBe(expected);
    });

    it('rejects a malformed email or a short password', () => {
      expect(
        configError({ BOOTSTRAP_ADMIN_EMAIL: 'admin', BOOTSTRAP_ADMIN_PASSWORD: 'long enough pw' })
          .message,
      ).toContain('BOOTSTRAP_ADMIN_EMAIL must be an email address');
      expect(
        configError({
          BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com',
          BOOTSTRAP_ADMIN_PASSWORD: 'short',
        }).message,
      ).toContain('BOOTSTRAP_ADMIN_PASSWORD');
    });
  });

  describe('revocation feed', () => {
    it('probes every 2 s and gives up on the feed after 5 s by default; reads durations', () => {
      expect(validateEnv({})).toMatchObject({
        REVOCATION_FEED_HEARTBEAT: 2,
        REVOCATION_FEED_TIMEOUT: 5,
      });
      expect(
        validateEnv({ REVOCATION_FEED_HEARTBEAT: '1s', REVOCATION_FEED_TIMEOUT: '1m' }),
      ).toMatchObject({ REVOCATION_FEED_HEARTBEAT: 1, REVOCATION_FEED_TIMEOUT: 60 });
    });

    it('refuses a timeout no longer than the heartbeat', () => {
      expect(
        configError({ REVOCATION_FEED_HEARTBEAT: '5s', REVOCATION_FEED_TIMEOUT: '5s' }).message,
      ).toBe(
        'Invalid configuration: REVOCATION_FEED_TIMEOUT must be longer than REVOCATION_FEED_HEARTBEAT',
      );
    });
  });

  describe('production shape', () => {
    it('reads a direct database URL beside a pooled one, never alone', () => {
      const direct = 'postgres://app@db:5432/sentinel';
      expect(
        validateEnv({
          DATABASE_URL: 'postgres://app@pgbouncer:6432/sentinel',
          DATABASE_DIRECT_URL: direct,
        }).DATABASE_DIRECT_URL,
      ).toBe(direct);
      expect(configError({ DATABASE_DIRECT_URL: direct }).message).toBe(
        'Invalid configuration: DATABASE_DIRECT_URL is the direct way to the database at DATABASE_URL; set both',
      );
      expect(configError({ DATABASE_DIRECT_URL: 'mysql://db' }).message).toMatch(
        /DATABASE_DIRECT_URL must be a postgres:\/\/ URL/,
      );
    });

    it('leaves idle connections to the balancer for 3 s after SIGTERM by default, 8 s at most', () => {
      expect(validateEnv({}).SHUTDOWN_IDLE_GRACE).toBe(3);
      expect(validateEnv({ SHUTDOWN_IDLE_GRACE: '0' }).SHUTDOWN_IDLE_GRACE).toBe(0);
      expect(configError({ SHUTDOWN_IDLE_GRACE: '9s' }).message).toMatch(/SHUTDOWN_IDLE_GRACE/);
    });
  });

  describe('machine clients', () => {
    it('keeps a rotated client secret for 1 h by default; reads durations', () => {
      expect(validateEnv({}).CLIENT_SECRET_OVERLAP).toBe(3600);
      expect(validateEnv({ CLIENT_SECRET_OVERLAP: '15m' }).CLIENT_SECRET_OVERLAP).toBe(900);
      expect(validateEnv({ CLIENT_SECRET_OVERLAP: '0' }).CLIENT_SECRET_OVERLAP).toBe(0);
      expect(configError({ CLIENT_SECRET_OVERLAP: 'soon' }).message).toMatch(
        /^Invalid configuration: CLIENT_SECRET_OVERLAP must be a duration/,
      );
    });

    it('refuses a plain-http issuer in production, where it is the OAuth endpoints’ base URL', () => {
      const production = {
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        JWT_SECRET: SECRET,
        JWT_ALG: 'HS256',
        MAIL_URL: 'disabled',
      };
      expect(configError({ ...production, JWT_ISSUER: 'http://auth.example.com' }).message).toBe(
        'Invalid configuration: JWT_ISSUER must be an https:// URL in production (the public base URL of the OAuth endpoints)',
      );
      expect(
        validateEnv({ ...production, JWT_ISSUER: 'https://auth.example.com' }).JWT_ISSUER,
      ).toBe('https://auth.example.com');
      expect(validateEnv({ JWT_ISSUER: 'http://127.0.0.1:3000' }).JWT_ISSUER).toBe(
        'http://127.0.0.1:3000',
      );
    });
  });

  describe('metrics access', () => {
    it('has neither token nor port by default; empty values are unset', () => {
      const env = validateEnv({ METRICS_TOKEN: '', METRICS_PORT: '' });
      expect(env.METRICS_TOKEN).toBeUndefined();
      expect(env.METRICS_PORT).toBeUndefined();
      expect(validateEnv({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    });

    it('refuses a short token, a bad port and the API port', () => {
      expect(configError({ METRICS_TOKEN: 'short' }).message).toContain('METRICS_TOKEN');
      expect(configError({ METRICS_PORT: 'x' }).message).toContain('METRICS_PORT');
      expect(configError({ METRICS_PORT: '70000' }).message).toContain('METRICS_PORT');
      expect(configError({ PORT: '3000', METRICS_PORT: '3000' }).message).toContain(
        'METRICS_PORT must differ from PORT',
      );
    });
  });

  describe('DATA_ENCRYPTION_KEY', () => {
    const production = { NODE_ENV: 'production', JWT_ALG: 'ES256', MAIL_URL: 'disabled' };

    it('refuses a production start without it, in one line naming it', () => {
      expect(configError(production).message).toBe(
        'Invalid configuration: DATA_ENCRYPTION_KEY is required in production (32 random bytes in base64, e.g. `openssl rand -base64 32`)',
      );
    });

    it('takes a comma-separated list of 32-byte base64 keys, and refuses anything else', () => {
      const other = Buffer.alloc(32, 9).toString('base64');
      const list = `${DATA_ENCRYPTION_KEY}, ${other}`;
      expect(validateEnv({ ...production, DATA_ENCRYPTION_KEY: list }).DATA_ENCRYPTION_KEY).toEqual(
        [DATA_ENCRYPTION_KEY, other],
      );
      for (const bad of [
        'short',
        Buffer.alloc(16).toString('base64'),
        `${DATA_ENCRYPTION_KEY},x`,
      ]) {
        expect(configError({ DATA_ENCRYPTION_KEY: bad }).message).toContain(
          'DATA_ENCRYPTION_KEY must be 32 random bytes in base64',
        );
      }
    });

    it('is optional outside production (a development key is generated)', () => {
      expect(validateEnv({}).DATA_ENCRYPTION_KEY).toBeUndefined();
    });
  });

  describe('WEBAUTHN_*', () => {
    it('defaults to localhost for development', () => {
      const env = validateEnv({});
      expect(env.WEBAUTHN_RP_ID).toBe('localhost');
      expect(env.WEBAUTHN_RP_NAME).toBe('Sentinel');
      expect(env.WEBAUTHN_ORIGINS).toEqual(['http://localhost:3000']);
    });

    it('takes a host as RP ID and exact origins, comma-separated', () => {
      const env = validateEnv({
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS: 'https://app.example.com, https://example.com:8443',
      });
      expect(env.WEBAUTHN_RP_ID).toBe('example.com');
      expect(env.WEBAUTHN_ORIGINS).toEqual(['https://app.example.com', 'https://example.com:8443']);
    });

    it('refuses an RP ID with a scheme or port, and origins with a path or none at all', () => {
      for (const bad of ['https://example.com', 'example.com:443', 'Example.com', '']) {
        expect(configError({ WEBAUTHN_RP_ID: bad }).message).toContain('WEBAUTHN_RP_ID');
      }
      for (const bad of ['https://app.example.com/login', 'app.example.com', ' , ']) {
        expect(configError({ WEBAUTHN_ORIGINS: bad }).message).toContain('WEBAUTHN_ORIGINS');
      }
    });
  });

  describe('mail', () => {
    it('refuses production without MAIL_URL, in one line saying what to set', () => {
      const { message } = configError({
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        JWT_ALG: 'ES256',
      });
      expect(message).toBe(
        'Invalid configuration: MAIL_URL is required in production: smtp(s)://user:password@host:port, or MAIL_URL=disabled to run without mail',
      );
    });

    it('accepts smtp://, smtps:// and disabled; writes files when unset outside production', () => {
      for (const url of [
        'smtp://u:p@mail.example.com:587',
        'smtps://mail.example.com',
        'disabled',
      ]) {
        expect(
          validateEnv({
            NODE_ENV: 'production',
            DATA_ENCRYPTION_KEY,
            MAIL_URL: url,
            APP_URL: 'https://a.example',
          }).MAIL_URL,
        ).toBe(url);
      }
      expect(validateEnv({}).MAIL_URL).toBeUndefined();
    });

    it.each(['http://mail.example.com', 'mail.example.com', 'smtp://', 'off'])(
      'rejects MAIL_URL=%p naming it',
      (url) => {
        expect(configError({ MAIL_URL: url }).message).toContain('MAIL_URL must be');
      },
    );

    it('rejects link paths without {token} and an APP_URL that is not http(s)', () => {
      expect(configError({ MAIL_LINK_RESET: '/reset' }).message).toContain('MAIL_LINK_RESET');
      expect(configError({ APP_URL: 'ftp://x' }).message).toContain('APP_URL');
      expect(configError({ APP_URL: 'https://x/?a=1' }).message).toContain('APP_URL');
    });

    it('reads the link lifetimes as durations, with the issue’s defaults', () => {
      const env = validateEnv({ PASSWORD_RESET_TTL: '15m', EMAIL_CHANGE_TTL: '2h' });
      expect(env.PASSWORD_RESET_TTL).toBe(900);
      expect(env.EMAIL_CHANGE_TTL).toBe(7200);
      expect(env.EMAIL_VERIFICATION_TTL).toBe(86400);
      expect(validateEnv({}).PASSWORD_RESET_TTL).toBe(1800);
      expect(configError({ PASSWORD_RESET_TTL: 'soon' }).message).toContain('PASSWORD_RESET_TTL');
    });

    it('refuses production mail whose links would point to localhost', () => {
      const production = {
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY,
        MAIL_URL: 'smtp://mail.example.com',
      };
      expect(configError(production).message).toContain('APP_URL must be set in production');
      expect(validateEnv({ ...production, APP_URL: 'https://app.example.com' }).APP_URL).toBe(
        'https://app.example.com',
      );
    });

    it('refuses hiding accounts at registration without mail (its 202 promises one)', () => {
      const { message } = configError({
        MAIL_URL: 'disabled',
        REGISTRATION_REVEALS_ACCOUNTS: 'false',
      });
      expect(message).toContain('REGISTRATION_REVEALS_ACCOUNTS=false needs mail');
    });
  });

  describe('error messages', () => {
    it.each<[string, Record<string, unknown>]>([
      ['NODE_ENV', { NODE_ENV: 'staging' }],
      ['PORT', { PORT: 'abc' }],
      ['DATABASE_URL', { DATABASE_URL: 'mysql://db/app' }],
      ['DB_POOL_SIZE', { DB_POOL_SIZE: '0' }],
      ['DB_MIGRATIONS_RUN', { DB_MIGRATIONS_RUN: 'maybe' }],
      ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: 'forever' }],
      ['JWT_SECRET', { JWT_SECRET: 'short' }],
      ['JWT_SECRET', { NODE_ENV: 'production', DATA_ENCRYPTION_KEY, JWT_ALG: 'HS256' }],
      ['JWT_ALG', { JWT_ALG: 'HS512' }],
      ['JWT_SIGNING_KID', { JWT_SIGNING_KID: 'a/b' }],
      ['JWT_PREVIOUS_SECRETS', { JWT_SECRET: SECRET, JWT_PREVIOUS_SECRETS: 'weak' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'trace' }],
      ['TRUST_PROXY', { TRUST_PROXY: 'proxy.internal' }],
      ['BOOTSTRAP_ADMIN_PASSWORD', { BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' }],
    ])('are one line starting "Invalid configuration:" and naming %s', (variable, raw) => {
      const error = configError(raw);

      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/^Invalid configuration: \S/);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(error.message).toContain(variable);
    });
  });

  describe('OpenID providers', () => {
    const corp = { id: 'corp', issuer: 'https://idp.example.com', clientId: 'sentinel' };
    const providers = (list: unknown[], extra: Record<string, unknown> = {}) => ({
      OIDC_PROVIDERS: JSON.stringify(list),
      OIDC_ALLOWED_REDIRECTS: '/signed-in, https://app.example.com',
      ...extra,
    });

    it('reads the list, defaults scopes and name, and takes the secret from OIDC_<ID>_CLIENT_SECRET first', () => {
      const env = validateEnv(
        providers([{ ...corp, id: 'corp-sso', clientSecret: 'inline' }], {
          OIDC_CORP_SSO_CLIENT_SECRET: 'from-env',
        }),
      );
      expect(env.OIDC_PROVIDERS).toEqual([
        {
          id: 'corp-sso',
          issuer: 'https://idp.example.com',
          clientId: 'sentinel',
          clientSecret: 'from-env',
          scopes: ['openid', 'email', 'profile'],
          name: 'corp-sso',
        },
      ]);
      expect(env.OIDC_ALLOWED_REDIRECTS).toEqual(['/signed-in', 'https://app.example.com']);
    });

    it('has no provider by default', () => {
      expect(validateEnv({}).OIDC_PROVIDERS).toEqual([]);
      expect(validateEnv({}).OIDC_DISCOVERY_RETRY).toBe(30);
    });

    it.each<[string, Record<string, unknown>]>([
      ['OIDC_PROVIDERS is not valid JSON', { OIDC_PROVIDERS: '[{' }],
      ['OIDC_PROVIDERS must be a JSON list', { OIDC_PROVIDERS: '{}' }],
      ['needs a "clientSecret" or OIDC_CORP_CLIENT_SECRET', providers([corp])],
      ['needs an "id"', providers([{ ...corp, id: 'Corp!', clientSecret: 's' }])],
      ['http(s) "issuer"', providers([{ ...corp, issuer: 'ftp://x', clientSecret: 's' }])],
      ['"openid"', providers([{ ...corp, clientSecret: 's', scopes: ['email'] }])],
      [
        'names "corp" twice',
        providers([
          { ...corp, clientSecret: 's' },
          { ...corp, clientSecret: 's' },
        ]),
      ],
      [
        'OIDC_ALLOWED_REDIRECTS must name',
        { OIDC_PROVIDERS: JSON.stringify([{ ...corp, clientSecret: 's' }]) },
      ],
      ['OIDC_ALLOWED_REDIRECTS must be paths', { OIDC_ALLOWED_REDIRECTS: '//evil.example' }],
      [
        'OIDC_ALLOWED_REDIRECTS must be paths',
        { OIDC_ALLOWED_REDIRECTS: 'https://a.example/path' },
      ],
      ['PUBLIC_URL must be', { PUBLIC_URL: 'auth.example.com' }],
      [
        'must have an https issuer in production',
        providers([{ ...corp, issuer: 'http://idp.example.com', clientSecret: 's' }], {
          NODE_ENV: 'production',
          DATA_ENCRYPTION_KEY,
          JWT_ALG: 'ES256',
          MAIL_URL: 'disabled',
        }),
      ],
    ])('refuses: %s', (message, raw) => {
      expect(configError(raw).message).toContain(message);
    });
  });
});
