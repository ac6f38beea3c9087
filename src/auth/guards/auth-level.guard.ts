import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '../../common/errors/error-codes.js';
import type { AuthUser } from '../auth-user.js';
import { requiredAuthLevel } from '../auth-metadata.js';
import type { AuthLevel } from '../decorators/require-auth-level.decorator.js';

/** The `amr` value RFC 8176 §2 gives a sign-in that used more than one factor. */
export const MFA_AMR = 'mfa';

/**
 * What the token's sign-in lacks for `level`: `mfa` and/or `maxAge`, or nothing. A principal
 * without `auth_time` (an API key, a service token, a token issued before step-up existed) has
 * no sign-in to judge, so it meets no requirement (ADR 0018).
 */
export function missingAuthLevel(
  user: AuthUser,
  level: AuthLevel,
  now = Date.now(),
): { mfa: boolean; maxAge: boolean } {
  const mfa = level.mfa === true && !(user.authTime && user.amr?.includes(MFA_AMR));
  const maxAge =
    level.maxAgeSeconds !== undefined &&
    !(user.authTime && now - user.authTime.getTime() <= level.maxAgeSeconds * 1000);
  return { mfa, maxAge };
}

/**
 * Global guard after authentication: enforces `@RequireAuthLevel` (RFC 9470). 401, not 403: the
 * user can fix it by signing in again (with a second factor), which a missing role cannot.
 */
@Injectable()
export class AuthLevelGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const level = requiredAuthLevel(this.reflector, [context.getHandler(), context.getClass()]);
    if (!level) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) return true; // a public route: nobody to judge
    const missing = missingAuthLevel(user, level);
    if (!missing.mfa && !missing.maxAge) return true;
    throw insufficientUserAuthentication(level, missing);
  }
}

function insufficientUserAuthentication(
  level: AuthLevel,
  missing: { mfa: boolean; maxAge: boolean },
): UnauthorizedException {
  const reasons = [
    missing.mfa && 'a sign-in with a second factor',
    missing.maxAge && `a sign-in within the last ${level.maxAgeSeconds} seconds`,
  ].filter(Boolean);
  return new UnauthorizedException({
    code: ErrorCode.InsufficientUserAuthentication,
    message: `This operation requires ${reasons.join(' and ')}`,
    // The challenge asks for what the route demands, not only what this token lacked (RFC 9470 §3).
    details: {
      ...(level.mfa && { acrValues: MFA_AMR }),
      ...(level.maxAgeSeconds !== undefined && { maxAge: level.maxAgeSeconds }),
    },
  });
}
