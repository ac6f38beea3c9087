import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';
import type { OidcProviderConfig } from './oidc-providers.js';

export const oidcConfig = registerAs('oidc', () => {
  const env = validateEnv(process.env);
  return {
    providers: env.OIDC_PROVIDERS as OidcProviderConfig[],
    /** Paths (`/after`) and origins (`https://app.example.com`) a flow may return to. */
    allowedRedirects: env.OIDC_ALLOWED_REDIRECTS,
    /** The base of the callback URLs; unset: each request's own origin (through TRUST_PROXY). */
    publicUrl: env.PUBLIC_URL,
    /** How long after a failed discovery it is tried again. */
    discoveryRetryMs: env.OIDC_DISCOVERY_RETRY * 1000,
    cookieSecure: env.COOKIE_SECURE,
    isProduction: env.NODE_ENV === 'production',
  };
});
