import { UnauthorizedException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';

/** The one answer to every refused sign-in: it never says which part was wrong. */
export function invalidCredentials(): UnauthorizedException {
  return new UnauthorizedException({
    code: ErrorCode.InvalidCredentials,
    message: 'Invalid email or password',
  });
}
