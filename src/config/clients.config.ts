import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const clientsConfig = registerAs('clients', () => {
  const env = validateEnv(process.env);
  return {
    /** A rotated service-account secret keeps working this long (0: not at all). */
    secretOverlapSeconds: env.CLIENT_SECRET_OVERLAP,
    /** `iss` of tokens, and the base URL of the OAuth endpoints in the RFC 8414 metadata. */
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  };
});
