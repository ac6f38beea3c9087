import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from './error-codes.js';
import { errorResponse } from './error-response.js';

type Answer = [status: number, code: string, message: string];

/** Node's HTTP parser errors (`clientError`), by code; anything else is a malformed request. */
const CLIENT_ERRORS: Record<string, Answer> = {
  HPE_HEADER_OVERFLOW: [431, ErrorCode.HeadersTooLarge, 'The request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, ErrorCode.PayloadTooLarge, 'Chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, ErrorCode.RequestTimeout, 'The request took too long to arrive'],
};
const MALFORMED: Answer = [400, ErrorCode.BadRequest, 'The request is not valid HTTP'];

/** Fastify's router errors, answered before any route, hook or Nest filter runs. */
const FRAMEWORK_ERRORS: Record<string, Answer> = {
  FST_ERR_BAD_URL: [400, ErrorCode.BadRequest, 'The URL is not validly percent-encoded'],
  FST_ERR_MAX_PARAM_LENGTH: [414, ErrorCode.UriTooLong, 'A path parameter is too long'],
};
const UNEXPECTED: Answer = [500, ErrorCode.InternalError, 'An unexpected error occurred'];

const errorHeaders = (requestId: string) => ({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-request-id': requestId,
});

/**
 * Errors that never reach Nest's exception filter still answer with the API's error body and
 * `code`, a request id and the security headers: Node's own (a broken request line, headers
 * over the limit: `clientErrorHandler`) and Fastify's router's (a bad percent-encoding, an
 * over-long parameter: `frameworkErrors`). Fastify's defaults answer these without a `code`.
 */
export function earlyErrorHandlers(
  securityHeaders: Readonly<Record<string, string>>,
): Pick<FastifyServerOptions, 'clientErrorHandler' | 'frameworkErrors'> {
  return {
    clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
      // A reset connection has nobody to answer (https://nodejs.org/api/http.html#event-clienterror).
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
      const requestId = randomUUID();
      const body = JSON.stringify({ ...errorResponse(status, code, message), requestId });
      const headers = {
        ...securityHeaders,
        ...errorHeaders(requestId),
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
      }
      socket.destroy();
    },
    frameworkErrors(
      error: Error & { code?: string },
      request: FastifyRequest,
      reply: FastifyReply,
    ) {
      const known = FRAMEWORK_ERRORS[error.code ?? ''];
      if (!known) new Logger('Exceptions').error(`Router error: ${error.message}`, error.stack);
      const [status, code, message] = known ?? UNEXPECTED;
      void reply
        .status(status)
        .headers({ ...securityHeaders, ...errorHeaders(request.id) })
        .send({ ...errorResponse(status, code, message), requestId: request.id });
    },
  };
}
