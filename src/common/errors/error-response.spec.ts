import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { internalErrorResponse, toErrorResponse } from './error-response.js';

/** An Error carrying a Node/PostgreSQL `code`, as the drivers throw them. */
const errorWithCode = (message: string, code: string) =>
  Object.assign(new Error(message), { code });

describe('toErrorResponse', () => {
  describe('HttpException', () => {
    it('keeps the code and message it was thrown with', () => {
      const exception = new ForbiddenException({
        code: 'self_lockout',
        message: 'You cannot remove your own admin role',
      });

      expect(toErrorResponse(exception)).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        code: 'self_lockout',
        message: 'You cannot remove your own admin role',
      });
    });

    it("gives Nest's built-in exceptions a code from their status", () => {
      expect(toErrorResponse(new NotFoundException('x'))).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: 'x',
      });
    });

    it('keeps validation details', () => {
      const details = [{ field: 'email', constraints: { isEmail: 'email must be an email' } }];
      const exception = new BadRequestException({
        code: 'validation_failed',
        message: 'Request validation failed',
        details,
      });

      expect(toErrorResponse(exception)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'validation_failed',
        message: 'Request validation failed',
        details,
      });
    });

    it('joins a list of messages into one string', () => {
      const body = toErrorResponse(new BadRequestException(['a is wrong', 'b is wrong']));

      expect(body).toMatchObject({ code: 'bad_request', message: 'a is wrong; b is wrong' });
    });

    it('keeps extra response fields (such as health checks) as details', () => {
      const checks = { database: { status: 'down' } };
      const body = toErrorResponse(new ServiceUnavailableException({ status: 'error', checks }));

      expect(body).toMatchObject({
        statusCode: 503,
        code: 'service_unavailable',
        details: { status: 'error', checks },
      });
    });

    it('maps a body that is not valid JSON (as the Fastify adapter wraps it) to invalid_json', () => {
      const cause = Object.assign(new Error('x'), {
        code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        statusCode: 400,
      });
      const exception = new HttpException('Body is not valid JSON', 400, { cause });

      expect(toErrorResponse(exception)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'invalid_json',
        message: 'Body is not valid JSON',
      });
    });

    it('keeps the status of a string-bodied exception thrown without a cause', () => {
      expect(toErrorResponse(new HttpException('Too Many Requests', 429))).toMatchObject({
        statusCode: 429,
        code: 'too_many_requests',
        message: 'Too Many Requests',
      });
      expect(toErrorResponse(new HttpException('Request body is too large', 413))).toMatchObject({
        statusCode: 413,
        code: 'payload_too_large',
      });
    });

    it('does not recognise null or undefined', () => {
      expect(toErrorResponse(null)).toBeUndefined();
      expect(toErrorResponse(undefined)).toBeUndefined();
    });

    it('maps other string-bodied 400s to bad_request', () => {
      const cause = errorWithCode('x', 'FST_ERR_CTP_INVALID_CONTENT_LENGTH');
      const exception = new HttpException('Request body size did not match', 400, { cause });

      expect(toErrorResponse(exception)).toMatchObject({ code: 'bad_request' });
    });

    it.each([
      [
        'as the Fastify adapter wraps it',
        new HttpException('Request body is too large', 413, {
          cause: Object.assign(errorWithCode('x', 'FST_ERR_CTP_BODY_TOO_LARGE'), {
            statusCode: 413,
          }),
        }),
      ],
      ['as Nest builds it', new PayloadTooLargeException()],
    ])('maps 413 %s to payload_too_large', (_case, exception) => {
      expect(toErrorResponse(exception)).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
        code: 'payload_too_large',
      });
    });
  });

  describe('database errors', () => {
    it('maps a unique violation (23505) to 409 conflict', () => {
      const exception = new QueryFailedError('q', [], errorWithCode('dup', '23505'));

      expect(toErrorResponse(exception)).toEqual({
        statusCode: 409,
        error: 'Conflict',
        code: 'conflict',
        message: 'The resource already exists',
      });
    });

    it('maps an invalid text representation (22P02) to 400 bad_request', () => {
      const exception = new QueryFailedError('q', [], errorWithCode('bad uuid', '22P02'));

      expect(toErrorResponse(exception)).toMatchObject({ statusCode: 400, code: 'bad_request' });
    });

    it.each([
      ['a refused connection', errorWithCode('x', 'ECONNREFUSED')],
      ['a connection failure SQLSTATE', new QueryFailedError('q', [], errorWithCode('x', '08006'))],
      ['a server shutting down', new QueryFailedError('q', [], errorWithCode('x', '57P01'))],
      ['a dropped pool connection', new Error('Connection terminated unexpectedly')],
    ])('maps %s to 503 service_unavailable', (_case, exception) => {
      expect(toErrorResponse(exception)).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'service_unavailable',
        message: 'The database is unavailable; retry shortly',
      });
    });
  });

  describe('anything else', () => {
    it.each([
      ['a plain Error', new Error('boom')],
      ['a query error it does not map', new QueryFailedError('q', [], errorWithCode('x', '42P01'))],
      ['a thrown string', 'boom'],
    ])('returns undefined for %s', (_case, exception) => {
      expect(toErrorResponse(exception)).toBeUndefined();
    });
  });
});

describe('internalErrorResponse', () => {
  it('is a generic 500 that reveals nothing of the error', () => {
    const body = internalErrorResponse();

    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'internal_error',
      message: 'An unexpected error occurred',
    });
    expect(body.message).not.toContain('boom');
    expect(body).not.toHaveProperty('details');
  });
});
