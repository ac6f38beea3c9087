import { registerAs } from '@nestjs/config';
import { join } from 'node:path';
import { validateEnv } from './env.validation.js';

export const jwtConfig = registerAs('jwt', () => {
  const env = validateEnv(process.env);
  return {
    algorithm: env.JWT_ALG,
    /** HS256. Unset only outside production: a development secret is generated into `dataDir`. */
    secret: env.JWT_SECRET,
    previousSecrets: (env.JWT_PREVIOUS_SECRETS ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
    /** RS256/ES256: PEM private keys, `<kid>.pem`. */
    keysDir: env.JWT_KEYS_DIR ?? join(env.DATA_DIR, 'keys'),
    signingKid: env.JWT_SIGNING_KID,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    dataDir: env.DATA_DIR,
    isProduction: env.NODE_ENV === 'production',
  };
});
