import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { jwtConfig } from '../config/jwt.config.js';
import type { Role } from '../users/role.js';
import { scopesOfRoles } from '../users/scopes.js';
import {
  ACCESS_TOKEN_TYPE,
  type AuthenticationContext,
  type IssuedAccessToken,
} from './access-token-claims.js';
import { SigningKeys } from './signing-keys.js';

/** RFC 8176 §2: a session opened with a password alone (its `amr` is stored as null). */
const PASSWORD_AMR = ['pwd'] as const;

/** A signed token and the registered claims `sign` set in it. */
interface SignedToken {
  token: string;
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
  expiresIn: number;
}

/** Issues access tokens with the current signing key (verification: `AccessTokenVerifier`). */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeys,
    @Inject(jwtConfig.KEY) private readonly config: ConfigType<typeof jwtConfig>,
  ) {}

  /**
   * `amr` (RFC 8176 §2): how the user signed in (`["pwd"]` when the session says nothing else,
   * `["fed"]` after an OpenID provider, `["pwd", "otp", "mfa"]` after a second factor), and
   * `auth_time` (RFC 9470 §3) when they did: both the session's, kept through refreshes.
   */
  issue(
    user: { id: string; roles: Role[] },
    sessionId: string,
    authentication: Partial<AuthenticationContext> = {},
  ): IssuedAccessToken {
    const amr = authentication.amr ?? PASSWORD_AMR;
    const authTime =
      authentication.authTime && Math.floor(authentication.authTime.getTime() / 1000);
    const { token, expiresIn, ...registered } = this.sign(user.id, {
      sid: sessionId,
      roles: user.roles,
      amr,
      auth_time: authTime,
    });
    return {
      token,
      expiresIn,
      claims: {
        ...registered,
        userId: user.id,
        sessionId,
        roles: user.roles,
        scopes: scopesOfRoles(user.roles),
        amr,
        ...(authTime !== undefined && { authTime: new Date(authTime * 1000) }),
      },
    };
  }

  /**
   * A client-credentials token (RFC 9068 claims): `sub` = `client_id` = the service account,
   * `scope` space-separated, no `sid` (no session: revoked by its `jti` or with its client).
   */
  issueForClient(clientId: string, scopes: readonly string[]): IssuedAccessToken {
    const { token, expiresIn, ...registered } = this.sign(clientId, {
      client_id: clientId,
      scope: scopes.join(' '),
    });
    return {
      token,
      expiresIn,
      claims: {
        ...registered,
        userId: clientId,
        sessionId: '',
        roles: [],
        scopes: [...scopes],
        principal: 'client',
        clientId,
      },
    };
  }

  /** Signs `claims` for `subject` with the current key, adding the registered claims. */
  private sign(subject: string, claims: Record<string, unknown>): SignedToken {
    const { kid, algorithm, key } = this.keys.signing;
    const tokenId = randomUUID();
    // iat is set here, not by jsonwebtoken, so the claims returned are exactly the token's.
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresIn = this.config.accessTokenTtlSeconds;
    const token = this.jwt.sign(
      { ...claims, iat: issuedAt },
      {
        privateKey: key,
        algorithm,
        keyid: kid,
        header: { alg: algorithm, typ: ACCESS_TOKEN_TYPE },
        subject,
        issuer: this.config.issuer,
        audience: this.config.audience,
        expiresIn,
        jwtid: tokenId,
      },
    );
    return {
      token,
      tokenId,
      issuedAt: new Date(issuedAt * 1000),
      expiresAt: new Date((issuedAt + expiresIn) * 1000),
      expiresIn,
    };
  }
}
