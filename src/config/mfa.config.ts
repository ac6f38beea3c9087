import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const mfaConfig = registerAs('mfa', () => {
  const env = validateEnv(process.env);
  return {
    /** Base64 AES-256 keys; the first encrypts. Empty outside production: generated into dataDir. */
    dataEncryptionKeys: env.DATA_ENCRYPTION_KEY ?? [],
    totpIssuer: env.TOTP_ISSUER,
    dataDir: env.DATA_DIR,
    /** WebAuthn (passkeys): the relying party and the exact origins its ceremonies may run on. */
    webauthn: {
      rpId: env.WEBAUTHN_RP_ID,
      rpName: env.WEBAUTHN_RP_NAME,
      origins: env.WEBAUTHN_ORIGINS,
    },
  };
});
