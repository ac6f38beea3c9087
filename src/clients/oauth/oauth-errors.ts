import { BadRequestException, UnauthorizedException } from '@nestjs/common';
import { ErrorCode } from '../../common/errors/error-codes.js';

/**
 * The errors of the OAuth endpoints (RFC 6749 §5.2). The exception filter writes them with the
 * standard `error` and `error_description` beside the API's usual fields, and `invalid_client`
 * with `WWW-Authenticate: Basic` (RFC 6749 §5.2).
 */
export const oauthError = {
  invalidRequest: (message: string) =>
    new BadRequestException({ code: ErrorCode.InvalidRequest, message }),
  invalidClient: () =>
    new UnauthorizedException({
      code: ErrorCode.InvalidClient,
      message: 'Client authentication failed',
    }),
  invalidGrant: (message = 'The refresh token is invalid, expired or revoked') =>
    new BadRequestException({ code: ErrorCode.InvalidGrant, message }),
  invalidScope: (message: string) =>
    new BadRequestException({ code: ErrorCode.InvalidScope, message }),
  unsupportedGrantType: () =>
    new BadRequestException({
      code: ErrorCode.UnsupportedGrantType,
      message: 'grant_type must be client_credentials or refresh_token',
    }),
};
