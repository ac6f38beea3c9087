import type { ClientInfo } from '../common/client-info.js';

/**
 * What happened at sign-in, for whoever keeps count or records it (metrics, the audit trail).
 * Emitted without waiting: listeners must not slow down or fail the request.
 */
export const AuthEvent = {
  LoginSucceeded: 'auth.login_succeeded',
  LoginFailed: 'auth.login_failed',
  /** This failure reached LOGIN_MAX_FAILURES: its address is locked out of the email. */
  LockedOut: 'auth.locked_out',
  /** This failure reached LOGIN_MAX_FAILURES_PER_ACCOUNT: the email is locked for everyone. */
  AccountLockedOut: 'auth.account_locked_out',
  /** An attempt refused because its address or the email is locked (no password was checked). */
  LoginRefusedLocked: 'auth.login_refused_locked',
} as const;

export interface LoginEventPayload {
  /** Normalized email as typed: also for unknown accounts. */
  email: string;
  /** The account, when it exists (never sent to clients). */
  userId?: string;
  sessionId?: string;
  lockedUntil?: Date;
  client: ClientInfo;
}
