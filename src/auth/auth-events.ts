import type { ClientInfo } from '../common/client-info.js';

/**
 * What happened at sign-in, for whoever keeps count or records it (metrics, the audit trail).
 * Emitted without waiting: listeners must not slow down or fail the request.
 */
export const AuthEvent = {
  LoginSucceeded: 'auth.login_succeeded',
  LoginFailed: 'auth.login_failed',
  /** This failure reached LOGIN_MAX_FAILURES: the email is locked until `lockedUntil`. */
  LockedOut: 'auth.locked_out',
  /** An attempt refused because the email is locked (no password was checked). */
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
