import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ErrorCode } from './error-codes.js';
import type { ErrorDetailDto } from './error-detail.dto.js';

export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: ErrorDetailDto[] | Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.InvalidToken,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.TooManyRequests,
  503: ErrorCode.ServiceUnavailable,
};

/** PostgreSQL SQLSTATEs and socket errors that mean "the database is not reachable right now". */
const UNAVAILABLE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
]);

const reasonPhrase = (status: number) =>
  (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');

function build(status: number, code: string, message: string, details?: ErrorResponse['details']) {
  const body: ErrorResponse = { statusCode: status, error: reasonPhrase(status), message, code };
  if (details !== undefined) body.details = details;
  return body;
}

function fromHttpException(exception: HttpException): ErrorResponse {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') {
    // Nest's Fastify adapter wraps Fastify's own 4xx errors (body parsing, size limits) this way.
    const cause = errorCode(exception.cause) ?? '';
    const code =
      status === 400 && cause.includes('JSON') ? ErrorCode.InvalidJson : CODE_BY_STATUS[status];
    return build(status, code ?? ErrorCode.BadRequest, response);
  }
  const { code, message, details, ...rest } = response as Record<string, unknown>;
  const text = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  // Nest's built-in exceptions put `statusCode`/`error` in the body; anything else is detail
  // (terminus, for one, reports its checks this way).
  const { statusCode: _status, error: _error, ...extra } = rest;
  const extraDetails = Object.keys(extra).length > 0 ? extra : undefined;
  return build(
    status,
    typeof code === 'string' ? code : (CODE_BY_STATUS[status] ?? ErrorCode.InternalError),
    text,
    (details as ErrorResponse['details']) ?? extraDetails,
  );
}

function errorCode(error: unknown): string | undefined {
  const candidate = error as
    { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code && (UNAVAILABLE_ERRORS.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/.test(
    message,
  );
}

/**
 * Maps anything thrown while handling a request to the API's error body. Returns `undefined` for
 * errors it does not recognise, which the caller answers with a generic 500 (and logs).
 */
export function toErrorResponse(exception: unknown): ErrorResponse | undefined {
  if (exception instanceof HttpException) return fromHttpException(exception);

  if (exception instanceof QueryFailedError) {
    const code = errorCode(exception);
    if (code === '23505') return build(409, ErrorCode.Conflict, 'The resource already exists');
    // Class 22 (data exception) and NOT NULL / CHECK violations: a value validation let through.
    if (code?.startsWith('22') || code === '23502' || code === '23514') {
      return build(400, ErrorCode.BadRequest, 'A value is invalid or out of range');
    }
  }
  if (isDatabaseUnavailable(exception)) {
    return build(503, ErrorCode.ServiceUnavailable, 'The database is unavailable; retry shortly');
  }

  return undefined;
}

export function internalErrorResponse(): ErrorResponse {
  return build(500, ErrorCode.InternalError, 'An unexpected error occurred');
}

/** The body of an error answered outside Nest (by Node's HTTP parser or Fastify's router). */
export function errorResponse(status: number, code: string, message: string): ErrorResponse {
  return build(status, code, message);
}
