import type { FastifyInstance } from 'fastify';

/**
 * What Passport (`login`, `logIn`, `logout`, `logOut`, `isAuthenticated`, `isUnauthenticated`,
 * `_sessionManager`) and `@nestjs/passport` (`authInfo`, `user`) write onto every request they
 * authenticate.
 */
const PASSPORT_REQUEST_FIELDS = [
  'login',
  'logIn',
  'logout',
  'logOut',
  'isAuthenticated',
  'isUnauthenticated',
  '_sessionManager',
  'authInfo',
  'user',
] as const;

/**
 * Declares Passport's request fields on Fastify's request class, so that every request object is
 * built with them rather than given them one by one after it was built, which changes its shape
 * (hidden class) on every request. Measured on the session path: about 5 % less CPU per request
 * (two alternating pairs of bench runs on a noisy machine).
 */
export function declarePassportRequestFields(fastify: FastifyInstance): void {
  for (const field of PASSPORT_REQUEST_FIELDS) {
    if (!fastify.hasRequestDecorator(field)) fastify.decorateRequest(field, null);
  }
}
