import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jsonwebtoken from 'jsonwebtoken';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { withoutStackTraces } from '../../common/errors/without-stack-traces.js';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { RevokedAccessTokenError } from '../../tokens/access-token.errors.js';
import type { AuthUser } from '../auth-user.js';
import { isPublicRoute } from '../auth-metadata.js';

/** `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive). */
const BEARER = /^bearer +(\S+) *$/i;

/** The bearer token of an Authorization header, or undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? BEARER.exec(authorization)?.[1] : undefined;
}

/**
 * Global guard: every route needs a valid access token unless marked `@Public()`. The token is
 * checked by `AccessTokenVerifier` (the one definition of a valid token) and its claims become
 * `request.user`. Failures throw 401 (never `return false`, which Nest turns into 403); the
 * exception filter adds the RFC 6750 challenge. Called directly rather than through Passport,
 * which cost a fifth of an authenticated request and added nothing for one bearer scheme (ADR
 * 0006).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, [context.getHandler(), context.getClass()])) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: IncomingHttpHeaders; user?: AuthUser }>();
    request.user = this.authenticate(request.headers.authorization);
    return true;
  }

  private authenticate(authorization: string | undefined): AuthUser {
    return withoutStackTraces(() => {
      const token = bearerToken(authorization);
      if (token === undefined) throw missingToken();
      try {
        return this.accessTokens.verify(token);
      } catch (error) {
        throw authenticationError(error);
      }
    });
  }
}

function missingToken(): UnauthorizedException {
  return new UnauthorizedException({
    code: ErrorCode.MissingToken,
    message: 'Authentication required: send an access token as "Authorization: Bearer <token>"',
  });
}

/** The 401 for a token that failed verification, by why it failed. */
function authenticationError(cause: unknown): UnauthorizedException {
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
  return new UnauthorizedException({
    code: ErrorCode.InvalidToken,
    message: 'The access token is invalid',
  });
}
