import type { ClientInfo } from '../../common/client-info.js';

/** What happens to second factors, for the audit trail. Emitted without waiting. */
export const MfaEvent = {
  Enrolled: 'mfa.enrolled',
  Removed: 'mfa.removed',
  RecoveryCodesRegenerated: 'mfa.recovery_codes_regenerated',
  LoginSucceeded: 'mfa.login_succeeded',
  LoginFailed: 'mfa.login_failed',
  /** An administrator removed every second factor of a user. */
  Reset: 'mfa.reset',
  PasskeyRegistered: 'mfa.passkey_registered',
  PasskeyRemoved: 'mfa.passkey_removed',
  /** A passwordless sign-in with a passkey (as a second factor it is `LoginSucceeded`). */
  PasskeyLoginSucceeded: 'mfa.passkey_login_succeeded',
  PasskeyLoginFailed: 'mfa.passkey_login_failed',
  /** A passkey's signature counter did not increase: the authenticator may have been cloned. */
  PasskeyCloneDetected: 'mfa.passkey_clone_detected',
} as const;

/** The second factors (and the `methods` of an `mfaRequired` answer). */
export type MfaMethod = 'totp' | 'webauthn' | 'recovery_code';

export interface MfaEventPayload {
  userId: string;
  /** The user themselves, an administrator, or nobody (a failed second step). */
  actorId?: string;
  client: ClientInfo;
  method?: MfaMethod;
  /** What the audit row should say besides the method (a passkey's id and name, a reason). */
  details?: Record<string, unknown>;
}
