import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Jwt } from 'jsonwebtoken';
import type { IncomingHttpHeaders } from 'node:http';
import { Strategy } from 'passport-jwt';
import { withoutStackTraces } from '../../common/errors/without-stack-traces.js';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { InvalidAccessTokenError } from '../../tokens/access-token.errors.js';
import type { AuthUser } from '../auth-user.js';
import { bearerToken } from './bearer-token.js';
import { StrategyRegistrations } from './strategy-registrations.js';

type Request = { headers: IncomingHttpHeaders };
type KeyCallback = (error: Error | null, key?: string | Buffer) => void;

/**
 * Bearer access tokens (`'jwt'`), by the rules of `AccessTokenVerifier`, whose keys may be ours or
 * a remote JWKS: passport-jwt verifies the signature with the key the token's `kid` names among
 * ours (`secretOrKeyProvider`), the algorithm pinned and `iss`, `aud`, `exp`, `nbf` checked; then
 * `validate` checks type, claims and revocation. A token that verified before is taken from the
 * verifier's memory without a new signature check (ADR 0008); revocation is checked every time.
 */
@Injectable()
export class JwtStrategy
  extends PassportStrategy(Strategy, 'jwt')
  implements OnApplicationShutdown
{
  constructor(private readonly accessTokens: AccessTokenVerifier) {
    // passport-jwt overwrites these three in jsonWebTokenOptions with its own top-level options.
    const { algorithms, issuer, audience, ...jsonWebTokenOptions } = accessTokens.verifyOptions;
    super({
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: (_request: unknown, token: string, done: KeyCallback) => {
        const key = accessTokens.keyFor(token);
        // passport-jwt's types predate KeyObject; jsonwebtoken takes it (a string secret costs
        // 50 times more per verification).
        if (key) done(null, key as unknown as Buffer);
        else done(new InvalidAccessTokenError('unknown key'));
      },
      algorithms,
      issuer: issuer as string,
      audience: audience as string,
      ignoreExpiration: false,
      jsonWebTokenOptions,
      passReqToCallback: true,
    });
    StrategyRegistrations.hold('jwt', this);
  }

  onApplicationShutdown(): void {
    StrategyRegistrations.release('jwt', this);
  }

  /**
   * Passport calls this per request on its own copy of the strategy. Refusals are answers, not
   * bugs: their errors are built without stack traces, which were the costliest part of refusing
   * a forged token (everything down to the guard's 401 runs synchronously in here).
   */
  override authenticate(request: Request, options?: object): void {
    const token = bearerToken(request);
    let remembered: AuthUser | undefined;
    try {
      remembered = token === null ? undefined : this.accessTokens.remembered(token);
    } catch (refusal) {
      // Revoked: a failure (401 whatever guard runs us), not an error (500).
      return this.fail(refusal, 401);
    }
    if (remembered) return this.success(remembered);
    // passport-strategy types the request as Express's; passport-jwt reads only its headers.
    withoutStackTraces(() => super.authenticate(request as never, options));
  }

  /**
   * A refused token is Passport's `fail` with the reason as its challenge (`[false, reason]`
   * through @nestjs/passport), so every guard answers 401 and the next strategy may still accept
   * the request; a throw would be Passport's `error`, a 500 under a plain `AuthGuard('jwt')`.
   */
  validate(request: Request, decoded: Jwt): AuthUser | [false, InvalidAccessTokenError] {
    try {
      return this.accessTokens.accept(bearerToken(request) as string, decoded);
    } catch (refusal) {
      if (refusal instanceof InvalidAccessTokenError) return [false, refusal];
      throw refusal;
    }
  }
}
