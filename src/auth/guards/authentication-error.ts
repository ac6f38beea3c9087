import { HttpException, UnauthorizedException } from '@nestjs/common';
import jsonwebtoken from 'jsonwebtoken';
import { ErrorCode } from '../../common/errors/error-codes.js';
import {
  InvalidAccessTokenError,
  RevokedAccessTokenError,
} from '../../tokens/access-token.errors.js';

/** passport-jwt's failure when the request carries no bearer token. */
const NO_BEARER_TOKEN = 'No auth token';

/**
 * Whether a strategy's failure means "I found no credentials of mine" (Passport's `fail()` with
 * nothing, or passport-jwt's "No auth token") rather than "I found some and refused them".
 */
function foundNothing(challenge: unknown): boolean {
  return (
    challenge === undefined ||
    challenge === null ||
    (challenge instanceof Error && challenge.message === NO_BEARER_TOKEN)
  );
}

/**
 * The 401 for a request no strategy accepted, by why (today's codes, whatever the strategies):
 * `error` is what a strategy raised (it ends the chain), `challenges` what each one failed with.
 * An HttpException from a strategy (a lockout's 429, say) and an error that is not about the
 * credentials (a database down) pass through unchanged: only refused credentials are a 401.
 */
export function authenticationError(error: unknown, challenges: unknown): Error {
  if (error instanceof HttpException) return error;
  if (error && !(error instanceof InvalidAccessTokenError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const refusals = error
    ? [error]
    : (Array.isArray(challenges) ? challenges : [challenges]).filter((c) => !foundNothing(c));
  if (refusals.length === 0) {
    return new UnauthorizedException({
      code: ErrorCode.MissingToken,
      message: 'Authentication required: send an access token as "Authorization: Bearer <token>"',
    });
  }
  if (refusals.some((cause) => cause instanceof jsonwebtoken.TokenExpiredError)) {
    return new UnauthorizedException({
      code: ErrorCode.TokenExpired,
      message: 'The access token has expired',
    });
  }
  if (refusals.some((cause) => cause instanceof RevokedAccessTokenError)) {
    return new UnauthorizedException({
      code: ErrorCode.TokenRevoked,
      message: 'The access token has been revoked',
    });
  }
  return new UnauthorizedException({
    code: ErrorCode.InvalidToken,
    message: 'The access token is invalid',
  });
}
