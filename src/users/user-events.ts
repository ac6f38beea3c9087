import type { EntityManager } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';

/**
 * What happened to an account that may have to end its sessions. `users` emits these (awaited,
 * with `emitAsync`, so sessions are revoked before the response); `tokens` acts on them, so
 * `users` never depends on `tokens`.
 */
export const UserEvent = {
  /**
   * Emitted before the new password (and security stamp) is stored: the session making the
   * change is moved to the new stamp first, so it is never refused in between.
   */
  PasswordChanging: 'user.password_changing',
  PasswordChanged: 'user.password_changed',
  Disabled: 'user.disabled',
  RolesChanged: 'user.roles_changed',
  /** Emitted before the row is deleted, while its sessions can still be found. */
  Deleting: 'user.deleting',
  /** A password set through a reset link, within its transaction (`manager`): every session ends. */
  PasswordReset: 'user.password_reset',
  /** A confirmed new address, within its transaction (`manager`): other sessions end. */
  EmailChanged: 'user.email_changed',
  /** The address was proven: the link, or an administrator's word (`details.by`). */
  EmailVerified: 'user.email_verified',
} as const;

export interface UserEventPayload {
  userId: string;
  /** Who made the change: the user themselves, or the administrator. */
  actorId: string;
  /** Where the actor's request came from, for the audit trail. */
  client?: ClientInfo;
  /** The session that made the change and stays signed in (a password change). */
  keepSessionId?: string;
  /** What changed, for the audit trail (roles: `{ from, to }`). */
  details?: Record<string, unknown>;
  /** The user's new security stamp (`PasswordChanging`). */
  sessionsValidAfter?: Date;
  /**
   * The transaction the change is made in (`Deleting`, `PasswordReset`, `EmailChanged`): the listener's writes commit or roll
   * back with it. On the embedded database the pool has one connection, so a listener must not
   * wait for another one while this transaction holds it.
   */
  manager?: EntityManager;
}
