import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Jwt } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import type { AuthUser } from '../auth-user.js';

type KeyCallback = (error: Error | null, key?: string | Buffer) => void;

/** Bearer access tokens, verified by the rules of `AccessTokenVerifier` (local or remote keys). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly accessTokens: AccessTokenVerifier) {
    // passport-jwt overwrites these three in jsonWebTokenOptions with its own top-level options.
    const { algorithms, issuer, audience, ...jsonWebTokenOptions } = accessTokens.verifyOptions;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: KeyCallback) => {
        const key = accessTokens.keyFor(rawToken);
        // passport-jwt's types predate KeyObject; jsonwebtoken takes it.
        if (key) done(null, key as unknown as Buffer);
        else done(new Error('unknown signing key'));
      },
      algorithms,
      issuer: issuer as string,
      audience: audience as string,
      ignoreExpiration: false,
      jsonWebTokenOptions,
    });
  }

  validate(decoded: Jwt): AuthUser {
    return this.accessTokens.claimsFrom(decoded);
  }
}
