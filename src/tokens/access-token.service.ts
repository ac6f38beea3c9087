import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Jwt, JwtPayload, VerifyOptions } from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { jwtConfig } from '../config/jwt.config.js';
import type { Role } from '../users/role.js';
import {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type IssuedAccessToken,
} from './access-token-claims.js';
import { RevokedSessions } from './revoked-sessions.js';
import { SigningKeys } from './signing-keys.js';

/** Why a token that verified cryptographically is still not an access token we accept. */
export class InvalidAccessTokenError extends Error {}

/** The token is genuine, but its session has been revoked (logout, reuse, admin action). */
export class RevokedAccessTokenError extends InvalidAccessTokenError {}

/** Reads the `kid` from a compact JWT's header without trusting anything else in it. */
function headerKid(token: string): unknown {
  const end = token.indexOf('.');
  if (end <= 0 || end > 1024) return undefined;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

const isAccessTokenType = (typ: unknown) =>
  typeof typ === 'string' &&
  [ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`].includes(typ.toLowerCase());

/**
 * Issues and verifies access tokens. The algorithm is pinned to the configured one (the token's
 * `alg` header is never trusted), the key is chosen by `kid` among our own keys, and `exp`, `nbf`,
 * `iss`, `aud` and `typ` are all checked. The Passport strategy verifies through the same
 * `verifyOptions`, `keyFor` and `claimsFrom`, so there is one definition of a valid token.
 */
@Injectable()
export class AccessTokenService {
  readonly verifyOptions: VerifyOptions & { complete: true };

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeys,
    private readonly revoked: RevokedSessions,
    @Inject(jwtConfig.KEY) private readonly config: ConfigType<typeof jwtConfig>,
  ) {
    this.verifyOptions = {
      algorithms: [config.algorithm],
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSeconds,
      complete: true,
    };
  }

  issue(user: { id: string; roles: Role[] }, sessionId: string): IssuedAccessToken {
    const { kid, algorithm, key } = this.keys.signing;
    const tokenId = randomUUID();
    // iat is set here, not by jsonwebtoken, so the claims returned are exactly the token's.
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresIn = this.config.accessTokenTtlSeconds;
    const token = this.jwt.sign(
      { sid: sessionId, roles: user.roles, iat: issuedAt },
      {
        privateKey: key,
        algorithm,
        keyid: kid,
        header: { alg: algorithm, typ: ACCESS_TOKEN_TYPE },
        subject: user.id,
        issuer: this.config.issuer,
        audience: this.config.audience,
        expiresIn,
        jwtid: tokenId,
      },
    );
    return {
      token,
      expiresIn,
      claims: {
        userId: user.id,
        sessionId,
        roles: user.roles,
        tokenId,
        issuedAt: new Date(issuedAt * 1000),
        expiresAt: new Date((issuedAt + expiresIn) * 1000),
      },
    };
  }

  /** The verification key named by the token's `kid`, or undefined when it is not one of ours. */
  keyFor(token: string): KeyObject | undefined {
    return this.keys.find(headerKid(token))?.key;
  }

  /**
   * Checks what signature verification does not: token type, the claims we rely on, and that the
   * session is not revoked (a map lookup, no query).
   */
  claimsFrom(decoded: Jwt): AccessTokenClaims {
    const payload = decoded.payload as JwtPayload;
    if (!isAccessTokenType(decoded.header.typ)) {
      throw new InvalidAccessTokenError('not an access token');
    }
    const { sub, jti, iat, exp, roles, sid } = payload;
    if (typeof exp !== 'number' || typeof iat !== 'number') {
      throw new InvalidAccessTokenError('exp and iat are required');
    }
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string') {
      throw new InvalidAccessTokenError('sub, jti and sid are required');
    }
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      throw new InvalidAccessTokenError('roles must be a list');
    }
    if (this.revoked.has(sid)) throw new RevokedAccessTokenError('session revoked');
    return {
      userId: sub,
      sessionId: sid,
      roles: roles as Role[],
      tokenId: jti,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
    };
  }

  /** Verifies a token outside Passport (the same rules); throws on anything unacceptable. */
  verify(token: string): AccessTokenClaims {
    const key = this.keyFor(token);
    if (!key) throw new InvalidAccessTokenError('unknown key');
    const decoded = this.jwt.verify<Jwt & object>(token, {
      ...this.verifyOptions,
      publicKey: key as never,
    });
    return this.claimsFrom(decoded);
  }
}
