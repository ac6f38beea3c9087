import { Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import jsonwebtoken from 'jsonwebtoken';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { RevokedAccessTokenError } from '../../tokens/access-token.errors.js';
import type { AuthUser } from '../auth-user.js';
import { isPublicRoute } from '../auth-metadata.js';

/** passport-jwt's message when the request carries no bearer token. */
const NO_TOKEN = 'No auth token';

/**
 * Global guard: every route needs a valid access token unless marked `@Public()`. Failures throw
 * 401 (never `return false`, which Nest turns into 403); the exception filter adds the RFC 6750
 * challenge.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (isPublicRoute(this.reflector, [context.getHandler(), context.getClass()])) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (user) return user;
    throw authenticationError(error ?? info);
  }
}

export function authenticationError(cause: unknown): UnauthorizedException {
  if (cause instanceof jsonwebtoken.TokenExpiredError) {
    return new UnauthorizedException({
      code: ErrorCode.TokenExpired,
      message: 'The access token has expired',
    });
  }
  if (cause instanceof RevokedAccessTokenError) {
    return new UnauthorizedException({
      code: ErrorCode.TokenRevoked,
      message: 'The access token has been revoked',
    });
  }
  if (cause instanceof Error && cause.message === NO_TOKEN) {
    return new UnauthorizedException({
      code: ErrorCode.MissingToken,
      message: 'Authentication required: send an access token as "Authorization: Bearer <token>"',
    });
  }
  return new UnauthorizedException({
    code: ErrorCode.InvalidToken,
    message: 'The access token is invalid',
  });
}
