import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from './errors/error-codes.js';
import { requestPath } from './request-path.js';

/** The only routes that take form bodies: the OAuth endpoints, as RFC 6749 §3.2 requires. */
export const FORM_PATH_PREFIX = '/oauth/';

/**
 * `application/x-www-form-urlencoded` bodies, on `/oauth/*` only; everywhere else they stay a
 * 415, so a cross-site HTML form still cannot post to `/auth/login`. A repeated parameter
 * becomes an array, which the OAuth endpoints refuse (RFC 6749 §3.2: at most once). The object
 * has no prototype, so `__proto__` is just a name.
 */
export function registerFormBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      if (!requestPath(request.url).startsWith(FORM_PATH_PREFIX)) {
        done(
          new UnsupportedMediaTypeException({
            code: ErrorCode.UnsupportedMediaType,
            message: 'Unsupported Media Type: application/x-www-form-urlencoded',
          }),
          undefined,
        );
        return;
      }
      const form: Record<string, string | string[]> = Object.create(null);
      for (const [name, value] of new URLSearchParams(body as string)) {
        const seen = form[name];
        form[name] = seen === undefined ? value : [seen, value].flat();
      }
      done(null, form);
    },
  );
}
