import type { components } from './openapi.js';

type Schemas = components['schemas'];

/** What `POST /auth/login` answers when the account has a second factor: no tokens yet. */
export type MfaChallenge = Schemas['MfaRequiredResponseDto'];

/** The second step of a sign-in: one of the methods the challenge offered. */
export type MfaProof = { code: string } | { recoveryCode: string };

export function isMfaChallenge(body: unknown): body is MfaChallenge {
  return typeof body === 'object' && body !== null && 'mfaRequired' in body && !!body.mfaRequired;
}
