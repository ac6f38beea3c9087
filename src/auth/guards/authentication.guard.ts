import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import passport from 'passport';
import { withoutStackTraces } from '../../common/errors/without-stack-traces.js';
import type { AuthUser } from '../auth-user.js';
import { isPublicRoute } from '../auth-metadata.js';
import { authenticationError } from './authentication-error.js';

type Request = { user?: unknown; authInfo?: unknown };
type Outcome = { user: unknown } | { error: unknown };

/**
 * Global guard: every route needs a principal unless marked `@Public()`. A Passport `AuthGuard`
 * over the strategies named by PassportModule's `defaultStrategy` (AUTH_STRATEGIES, `['jwt']` by
 * default; teams add their own, see docs/adding-a-strategy.md), tried in order until one accepts:
 * its principal becomes `request.user`. When none does, a 401 (never `false`, which Nest turns
 * into a 403) with today's codes; the exception filter adds the RFC 6750 challenge.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard() {
  private readonly strategies: string | string[];
  private readonly property: string;

  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(AuthModuleOptions) options: AuthModuleOptions = {},
  ) {
    super(options);
    this.strategies = options.defaultStrategy ?? 'jwt';
    this.property = options.property ?? 'user';
  }

  /**
   * What `AuthGuard.canActivate` does (`passport.authenticate` over the strategies, the outcome
   * through `handleRequest`, the principal on `request.user`), answered synchronously when the
   * strategies answer synchronously, as `JwtStrategy` does for a token it has verified before.
   * AuthGuard's own `canActivate` awaits twice on every request; under load that kept each
   * request's objects alive long enough to reach the old generation, and tripled the time spent
   * collecting garbage on the session path (ADR 0008).
   */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (isPublicRoute(this.reflector, [context.getHandler(), context.getClass()])) return true;
    const request = this.getRequest(context) as Request;
    let outcome: Outcome | undefined;
    let settle: ((outcome: Outcome) => void) | undefined;
    const finish = (result: Outcome) => (settle ? settle(result) : (outcome = result));
    passport.authenticate(
      this.strategies,
      { session: false },
      (error: unknown, user: unknown, info: unknown) => {
        request.authInfo = info;
        try {
          finish({ user: this.handleRequest(error, user, info) });
        } catch (refusal) {
          finish({ error: refusal });
        }
      },
    )(request, context.switchToHttp().getResponse(), (error: unknown) => finish({ error }));
    if (outcome) return this.conclude(request, outcome);
    return new Promise<Outcome>((resolve) => (settle = resolve)).then((late) =>
      this.conclude(request, late),
    );
  }

  override handleRequest<TUser = AuthUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (user && !error) return user;
    throw withoutStackTraces(() => authenticationError(error, info));
  }

  private conclude(request: Request, outcome: Outcome): true {
    if ('error' in outcome) throw outcome.error;
    (request as Record<string, unknown>)[this.property] = outcome.user;
    return true;
  }
}
