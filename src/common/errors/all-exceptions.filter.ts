import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestPath } from '../request-path.js';
import { internalErrorResponse, toErrorResponse, type ErrorResponse } from './error-response.js';
import { OAUTH_ERROR_CODES } from './error-codes.js';
import { bearerChallenge, type StepUpChallenge } from './www-authenticate.js';

/**
 * The one place an error becomes a response: the API's error body, the RFC 6750 challenge on
 * 401/403, and never a stack trace (unexpected errors are logged with theirs and answered 500).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const body = toErrorResponse(exception) ?? internalErrorResponse();
    const error = exception instanceof Error ? exception : new Error(String(exception));
    // The path only: the query may hold a one-time token, and no log line holds one.
    const where = `${request.method} ${requestPath(request.url)} → ${body.statusCode}`;
    // Unexpected errors with their stack; an outage (503) one line each, not a stack per request.
    if (body.statusCode === 503) this.logger.warn(`${where}: ${error.message}`);
    else if (body.statusCode >= 500) this.logger.error(`${where}: ${error.message}`, error.stack);
    const details = body.details as ({ requiredScopes?: string[] } & StepUpChallenge) | undefined;
    const challenge = bearerChallenge(
      body.statusCode,
      body.code,
      body.message,
      details?.requiredScopes,
      details,
    );
    if (challenge) reply.header('www-authenticate', challenge);
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)
      ?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    void reply
      .status(body.statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send({ ...body, ...oauthSpelling(request.url, body), requestId: request.id });
  }
}

/**
 * On the OAuth endpoints, RFC 6749 §5.2's spelling beside the API's own fields: `error` is the
 * code (`invalid_client`, `invalid_grant`…) and `error_description` the message, which is what
 * standard OAuth client libraries read.
 */
function oauthSpelling(url: string, body: ErrorResponse) {
  if (!requestPath(url).startsWith('/oauth/')) return undefined;
  if (OAUTH_ERROR_CODES.has(body.code))
    return { error: body.code, error_description: body.message };
  // Any other 400 there (a malformed body, say) is a malformed OAuth request.
  if (body.statusCode === 400) return { error: 'invalid_request', error_description: body.message };
  return undefined;
}
