import { ForbiddenException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';

/**
 * REQUIRE_VERIFIED_EMAIL: the credentials were right, so 403 rather than 401 (the client should
 * not ask for them again); the address must be confirmed first.
 */
export function emailNotVerified(): ForbiddenException {
  return new ForbiddenException({
    code: ErrorCode.EmailNotVerified,
    message: 'Confirm your email address first (see the mail, or ask for a new one)',
  });
}
