import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers Helmet sets, computed once. Helmet (and @fastify/helmet, which rebuilt its whole
 * configuration, CSP included, on every request) is a middleware; with static options it sets the
 * same headers on every response, so they are recorded here from one run against a response that
 * only takes notes, and the `onRequest` hook copies them onto each reply.
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    failure = error;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}
