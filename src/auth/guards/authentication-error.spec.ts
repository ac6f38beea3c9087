import {
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import jsonwebtoken from 'jsonwebtoken';
import {
  InvalidAccessTokenError,
  RevokedAccessTokenError,
} from '../../tokens/access-token.errors.js';
import { authenticationError } from './authentication-error.js';

const codeOf = (error: Error) =>
  error instanceof UnauthorizedException
    ? (error.getResponse() as { code: string }).code
    : `not a 401: ${error.constructor.name}`;

describe('authenticationError', () => {
  it('is missing_token when no strategy found credentials of its own', () => {
    expect(codeOf(authenticationError(null, new Error('No auth token')))).toBe('missing_token');
    expect(codeOf(authenticationError(null, [new Error('No auth token'), undefined]))).toBe(
      'missing_token',
    );
  });

  it('names the refusal of the credentials that were found, whatever the other strategies say', () => {
    const expired = new jsonwebtoken.TokenExpiredError('jwt expired', new Date());
    expect(codeOf(authenticationError(null, [expired, 'unknown key']))).toBe('token_expired');
    expect(codeOf(authenticationError(null, [undefined, new RevokedAccessTokenError('r')]))).toBe(
      'token_revoked',
    );
    expect(codeOf(authenticationError(null, [new Error('No auth token'), 'unknown key']))).toBe(
      'invalid_token',
    );
    expect(codeOf(authenticationError(new InvalidAccessTokenError('typ'), undefined))).toBe(
      'invalid_token',
    );
  });

  it('lets a strategy’s HttpException through unchanged (a 429, say)', () => {
    const limited = new HttpException({ code: 'too_many_requests' }, HttpStatus.TOO_MANY_REQUESTS);
    expect(authenticationError(limited, undefined)).toBe(limited);
  });

  it('lets an error that is not about the credentials through: a database down is no 401', () => {
    const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(authenticationError(down, undefined)).toBe(down);
    const unavailable = new ServiceUnavailableException();
    expect(authenticationError(unavailable, undefined)).toBe(unavailable);
  });
});
