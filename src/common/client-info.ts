/**
 * Where a request came from: recorded with the session it opens and in the audit trail. Shared by
 * `auth`, `tokens` and `users` (whose events carry it), so it lives below all three.
 */
export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}
