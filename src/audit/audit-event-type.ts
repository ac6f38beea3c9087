/**
 * What the audit trail records, one type per row (`audit_events.type`). Stable: clients filter on
 * these, so add new ones and never rename. The README lists what each means.
 */
export const AUDIT_EVENT_TYPES = [
  'login_succeeded',
  'login_failed',
  'login_locked_out',
  'account_locked_out',
  'login_refused_locked',
  'refresh_token_reused',
  'logout',
  'sessions_revoked',
  'password_changed',
  'user_disabled',
  'roles_changed',
  'user_deleted',
  'password_reset',
  'email_changed',
  'email_verified',
  'oidc_login',
  'oidc_login_failed',
  'identity_linked',
  'identity_unlinked',
  'api_key_created',
  'api_key_deleted',
  'client_created',
  'client_deleted',
  'client_secret_rotated',
  'mfa_enrolled',
  'mfa_removed',
  'recovery_codes_regenerated',
  'mfa_login_succeeded',
  'mfa_login_failed',
  'mfa_reset',
  'passkey_registered',
  'passkey_removed',
  'passkey_login_succeeded',
  'passkey_login_failed',
  'passkey_clone_detected',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
