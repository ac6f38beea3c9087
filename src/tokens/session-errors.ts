import { UnauthorizedException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';

/** Why a refresh token was refused. Each is a 401: the client must sign in again. */
export const refreshRefused = {
  invalid: () =>
    new UnauthorizedException({
      code: ErrorCode.InvalidGrant,
      message: 'The refresh token is invalid, expired or revoked',
    }),
  reused: () =>
    new UnauthorizedException({
      code: ErrorCode.RefreshTokenReused,
      message: 'The refresh token was already used; the session has been revoked',
    }),
  sessionExpired: () =>
    new UnauthorizedException({
      code: ErrorCode.SessionExpired,
      message: 'The session has reached its maximum age; sign in again',
    }),
};
