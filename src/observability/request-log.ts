import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestPath } from '../common/request-path.js';
import { requestContext } from './request-context.js';

/** Probes and scrapes every few seconds: a line each would drown the requests worth reading. */
const UNLOGGED_PATHS = /^\/(?:health|metrics)(?:\/|$)/;

const asIs = <T>(value: T): T => value;

/**
 * One line per request, written by a Fastify `onResponse` hook once the response has gone:
 * `requestId`, `req: {method, url}`, `res: {statusCode}`, `responseTime` (ms), at `info`, or
 * `error` for a 5xx. And every line logged while a request is handled carries its `requestId`
 * (`requestIdMixin`, fed by the `onRequest` hook here).
 *
 * Hooks rather than pino-http as Nest middleware: the line is built from what Fastify already
 * holds, and it skips the censoring walk (see `logger-params`), which cost more than the whole
 * rest of the line; it never holds a header, a body or a query, so there is nothing to censor.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  const lines = logger.child({}, { redact: { paths: [] }, serializers: { req: asIs, res: asIs } });
  fastify.addHook('onRequest', (request, _reply, done) => requestContext.run(request.id, done));
  fastify.addHook('onResponse', (request, reply, done) => {
    const url = requestPath(request.url);
    if (!UNLOGGED_PATHS.test(url)) {
      const statusCode = reply.statusCode;
      lines[statusCode >= 500 ? 'error' : 'info'](
        {
          requestId: request.id,
          req: { method: request.method, url },
          res: { statusCode },
          responseTime: reply.elapsedTime,
        },
        'request completed',
      );
    }
    done();
  });
}
