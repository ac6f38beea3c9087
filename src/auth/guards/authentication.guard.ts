import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import { withoutStackTraces } from '../../common/errors/without-stack-traces.js';
import type { AuthUser } from '../auth-user.js';
import { isPublicRoute } from '../auth-metadata.js';
import { authenticationError } from './authentication-error.js';

/**
 * Global guard: every route needs a principal unless marked `@Public()`. A Passport `AuthGuard`
 * over the strategies named by PassportModule's `defaultStrategy` (AUTH_STRATEGIES, `['jwt']` by
 * default; teams add their own, see docs/adding-a-strategy.md), tried in order until one accepts:
 * its principal becomes `request.user`. When none does, a 401 (never `false`, which Nest turns
 * into a 403) with today's codes; the exception filter adds the RFC 6750 challenge.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard() {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(AuthModuleOptions) options?: AuthModuleOptions,
  ) {
    super(options);
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (isPublicRoute(this.reflector, [context.getHandler(), context.getClass()])) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser = AuthUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (user && !error) return user;
    throw withoutStackTraces(() => authenticationError(error, info));
  }
}
