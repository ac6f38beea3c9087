import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const jwtConfig = registerAs('jwt', () => {
  const env = validateEnv(process.env);
  return {
    algorithm: env.JWT_ALG,
    /** Unset only outside production: a development secret is generated into `dataDir`. */
    secret: env.JWT_SECRET,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    dataDir: env.DATA_DIR,
    isProduction: env.NODE_ENV === 'production',
  };
});
