/**
 * Where a request came from: recorded with the session it opens and in the audit trail. Shared by
 * `auth`, `tokens` and `users` (whose events carry it), so it lives below all three.
 */
export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/** The client of a Fastify request: its address (as TRUST_PROXY allows) and user agent. */
export function clientInfo(request: {
  ip: string;
  headers: { 'user-agent'?: string };
}): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}
