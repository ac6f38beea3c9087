import type { Role } from '../users/role.js';
import type { MfaMethod } from './mfa/mfa-events.js';

/** The account a sign-in strategy authenticated, before a session is opened for it. */
export interface SignInUser {
  id: string;
  roles: Role[];
  /** As the caller typed it, normalized: for the audit trail. */
  email: string;
  /**
   * The user's security stamp when the strategy verified the credentials: the session opens
   * only if it is still current (no password change, disable or role change since).
   */
  sessionsValidAfter: Date;
  /** How the user was authenticated, when not by password alone (RFC 8176): `["fed"]`… */
  amr?: readonly string[];
  /** The account's second factors: not empty, the sign-in needs one (`POST /auth/login/mfa`). */
  secondFactors?: readonly MfaMethod[];
}
