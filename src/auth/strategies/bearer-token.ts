import type { IncomingHttpHeaders } from 'node:http';

/** `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive). */
const BEARER = /^bearer +(\S+) *$/i;

/**
 * The bearer token of a request's Authorization header, or null when there is none. Anchored, so
 * `Bearer a b` and a token with trailing garbage are not read as a token.
 */
export function bearerToken(request: { headers: IncomingHttpHeaders }): string | null {
  const authorization = request.headers.authorization;
  return (authorization && BEARER.exec(authorization)?.[1]) || null;
}
