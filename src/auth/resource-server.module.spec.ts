import { ResourceServerModule, resourceServerOptionsFromEnv } from './resource-server.module.js';

const JWKS = 'https://sentinel.example/.well-known/jwks.json';

describe('ResourceServerModule.fromEnv', () => {
  it('reads durations as Sentinel does: 30s, 1m or plain seconds', () => {
    for (const [value, seconds] of [
      ['30s', 30],
      ['1m', 60],
      ['45', 45],
    ] as const) {
      const options = resourceServerOptionsFromEnv({
        JWT_JWKS_URL: JWKS,
        JWT_CLOCK_TOLERANCE: value,
      });
      expect(options.clockToleranceSeconds).toBe(seconds);
    }
    expect(resourceServerOptionsFromEnv({ JWT_JWKS_URL: JWKS })).toEqual({
      jwksUrl: JWKS,
      algorithm: 'ES256',
      issuer: 'sentinel',
      audience: 'sentinel-api',
      clockToleranceSeconds: 30,
    });
  });

  it('refuses a tolerance it cannot read, in one line naming the variable', () => {
    for (const value of ['soon', '1.5s', '10m']) {
      expect(() =>
        ResourceServerModule.fromEnv({ JWT_JWKS_URL: JWKS, JWT_CLOCK_TOLERANCE: value }),
      ).toThrow(/^Invalid configuration: JWT_CLOCK_TOLERANCE/);
    }
  });

  it('requires an https JWKS URL in production, and allows http elsewhere', () => {
    const plain = 'http://sentinel.internal/.well-known/jwks.json';
    expect(() =>
      ResourceServerModule.fromEnv({ NODE_ENV: 'production', JWT_JWKS_URL: plain }),
    ).toThrow('Invalid configuration: JWT_JWKS_URL must be an https:// URL in production');
    expect(() =>
      ResourceServerModule.fromEnv({ NODE_ENV: 'production', JWT_JWKS_URL: JWKS }),
    ).not.toThrow();
    expect(
      resourceServerOptionsFromEnv({ NODE_ENV: 'development', JWT_JWKS_URL: plain }),
    ).toMatchObject({ jwksUrl: plain });
    for (const url of ['file:///etc/jwks.json', 'not a url']) {
      expect(() => ResourceServerModule.fromEnv({ JWT_JWKS_URL: url })).toThrow(
        'Invalid configuration: JWT_JWKS_URL must be an http(s):// URL',
      );
    }
  });

  it('still needs a JWKS URL and an asymmetric algorithm', () => {
    expect(() => ResourceServerModule.fromEnv({})).toThrow(/needs JWT_JWKS_URL/);
    expect(() => ResourceServerModule.fromEnv({ JWT_JWKS_URL: JWKS, JWT_ALG: 'HS256' })).toThrow(
      /JWT_ALG RS256 or ES256/,
    );
  });
});
