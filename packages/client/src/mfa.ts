import type { components } from './openapi.js';

type Schemas = components['schemas'];

/**
 * What `POST /auth/login` answers when the account has a second factor (the MFA issue). Typed by
 * hand until the document has it; once it does, the generated schema takes over by itself.
 */
export type MfaChallenge = Schemas extends { MfaRequiredResponseDto: infer Generated }
  ? Generated
  : {
      mfaRequired: true;
      mfaToken: string;
      methods: ('totp' | 'webauthn' | 'recovery_code')[];
      webauthnOptions?: Record<string, unknown>;
    };

/** The second step of a sign-in: one of the methods the challenge offered. */
export type MfaProof = { code: string } | { recoveryCode: string } | { webauthn: unknown };

export function isMfaChallenge(body: unknown): body is MfaChallenge {
  return typeof body === 'object' && body !== null && 'mfaRequired' in body && !!body.mfaRequired;
}
