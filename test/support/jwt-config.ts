import type { ConfigType } from '@nestjs/config';
import type { jwtConfig } from '../../src/config/jwt.config.js';

export type JwtConfig = ConfigType<typeof jwtConfig>;

/** A whole `jwtConfig` for unit specs: the defaults of an unconfigured start, and the overrides. */
export function jwtConfigFor(overrides: Partial<JwtConfig> = {}): JwtConfig {
  return {
    algorithm: 'ES256',
    secret: undefined,
    previousSecrets: [],
    keysDir: './data/keys',
    signingKid: undefined,
    issuer: 'sentinel',
    audience: 'sentinel-api',
    clockToleranceSeconds: 30,
    accessTokenTtlSeconds: 900,
    dataDir: './data',
    isProduction: false,
    ...overrides,
  };
}
