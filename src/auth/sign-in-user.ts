import type { Role } from '../users/role.js';

/** The account a sign-in strategy authenticated, before a session is opened for it. */
export interface SignInUser {
  id: string;
  roles: Role[];
  /** As the caller typed it, normalized: for the audit trail. */
  email: string;
}
