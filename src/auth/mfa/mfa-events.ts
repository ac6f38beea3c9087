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
} as const;

/** The second factors (and the `methods` of an `mfaRequired` answer). */
export type MfaMethod = 'totp' | 'recovery_code';

export interface MfaEventPayload {
  userId: string;
  /** The user themselves, an administrator, or nobody (a failed second step). */
  actorId?: string;
  client: ClientInfo;
  method?: MfaMethod;
}
