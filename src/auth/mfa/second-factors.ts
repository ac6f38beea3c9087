import type { MfaMethod } from './mfa-events.js';

/** Whether an account has each kind of second factor, as the columns `secondFactorMethods` reads. */
export interface SecondFactorFlags {
  totp: boolean;
  webauthn: boolean;
  recovery_code: boolean;
}

/**
 * The select-list columns of `SecondFactorFlags` in a statement that reads `users`: three index
 * probes, asked in the statement that reads the credentials rather than in a statement of their
 * own after the password (one round trip less per sign-in, issue 11).
 */
export const SECOND_FACTOR_FLAG_COLUMNS = `
  EXISTS (SELECT 1 FROM totp_secrets WHERE user_id = users.id AND confirmed_at IS NOT NULL)
    AS totp,
  EXISTS (SELECT 1 FROM webauthn_credentials WHERE user_id = users.id) AS webauthn,
  EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL)
    AS recovery_code`;

/** The second factors a sign-in may finish with; empty: the password is enough. */
export function secondFactorMethods(flags: SecondFactorFlags): MfaMethod[] {
  const methods: MfaMethod[] = [];
  if (flags.totp) methods.push('totp');
  if (flags.webauthn) methods.push('webauthn');
  // Recovery codes stand in for the factor they came with, never alone.
  if (flags.totp && flags.recovery_code) methods.push('recovery_code');
  return methods;
}
