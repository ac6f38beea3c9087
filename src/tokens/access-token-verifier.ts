import jsonwebtoken, {
  type Algorithm,
  type Jwt,
  type JwtPayload,
  type VerifyOptions,
} from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../config/env.validation.js';
import type { Role } from '../users/role.js';
import { scopesOfRoles } from '../users/scopes.js';
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from './access-token-claims.js';
import { InvalidAccessTokenError, RevokedAccessTokenError } from './access-token.errors.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Where verification keys come from: our own key files, or a remote JWKS. */
export interface VerificationKeys {
  /** The verification key for `kid`, or undefined for a kid that is not ours. */
  verificationKey(kid: unknown): KeyObject | undefined;
}

export interface AccessTokenVerifierOptions {
  algorithm: JwtAlgorithm;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** Whether a session has been revoked; a resource server without the database has none. */
  isRevoked?: (sessionId: string) => boolean;
}

/** Enough for every client of a busy instance; a few megabytes at most. */
const VERIFIED_TOKENS_KEPT = 10_000;
/** How long a verified token is trusted without a new check, at most (it may expire sooner). */
const VERIFIED_TOKENS_MAX_AGE_MS = 60_000;

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
 * The one definition of a valid access token. The algorithm is pinned to the configured one
 * (the token's `alg` is never trusted, so `none`, HMAC-with-the-public-key and every other
 * confusion fail), the key is chosen by `kid` among known keys only (`jku`, `x5u`, `x5c` and an
 * embedded `jwk` are never read), and `exp`, `nbf`, `iss`, `aud`, `typ`, `sub`, `jti`, `sid` and
 * revocation are checked. The Passport `JwtStrategy` (here and in `ResourceServerModule`) is built
 * from its parts: passport-jwt verifies the signature with `keyFor` and `verifyOptions`, then
 * `accept` checks the rest; `verify` is the same composition for callers outside Passport.
 */
export class AccessTokenVerifier {
  /** For jsonwebtoken (and passport-jwt): `complete`, so that `accept` sees the header's `typ`. */
  readonly verifyOptions: Readonly<VerifyOptions & { complete: true; algorithms: Algorithm[] }>;
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_KEPT, VERIFIED_TOKENS_MAX_AGE_MS);

  constructor(
    private readonly keys: VerificationKeys,
    private readonly options: AccessTokenVerifierOptions,
  ) {
    this.verifyOptions = Object.freeze({
      algorithms: [options.algorithm],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds,
      complete: true,
    });
  }

  /** The verification key named by the token's `kid`, or undefined when it is not one of ours. */
  keyFor(token: string): KeyObject | undefined {
    return this.keys.verificationKey(headerKid(token));
  }

  /**
   * The claims of a token that a verified token seen before (within its life and at most a
   * minute ago) carried, or undefined. Throws when its session has been revoked since.
   */
  remembered(token: string): AccessTokenClaims | undefined {
    const claims = this.verified.get(token, Date.now());
    return claims && this.notRevoked(claims);
  }

  /**
   * The claims of `token`, whose signature, algorithm, `exp`, `nbf`, `iss` and `aud` have just
   * been verified with `keyFor` and `verifyOptions` (`decoded` is jsonwebtoken's complete result).
   * Checks what that does not: token type, the claims we rely on, revocation. Throws
   * `InvalidAccessTokenError` (or `RevokedAccessTokenError`) on anything unacceptable.
   */
  accept(token: string, decoded: Jwt): AccessTokenClaims {
    return this.notRevoked(this.verified.remember(token, claimsFrom(decoded), Date.now()));
  }

  /** The whole check, outside Passport: `remembered`, else signature and then `accept`. */
  verify(token: string): AccessTokenClaims {
    const remembered = this.remembered(token);
    if (remembered) return remembered;
    const key = this.keyFor(token);
    if (!key) throw new InvalidAccessTokenError('unknown key');
    return this.accept(token, jsonwebtoken.verify(token, key, this.verifyOptions));
  }

  private notRevoked(claims: AccessTokenClaims): AccessTokenClaims {
    const isRevoked = this.options.isRevoked;
    if (!isRevoked) return claims;
    // A service token has no session: it is refused by its own jti, or with its whole client.
    const revoked =
      claims.principal === 'client'
        ? isRevoked(claims.tokenId) || isRevoked(claims.clientId as string)
        : isRevoked(claims.sessionId);
    if (revoked) throw new RevokedAccessTokenError('session revoked');
    return claims;
  }
}

/** What signature verification does not check: token type and the claims we rely on. */
function claimsFrom(decoded: Jwt): AccessTokenClaims {
  const payload = decoded.payload as JwtPayload;
  if (!isAccessTokenType(decoded.header.typ)) {
    throw new InvalidAccessTokenError('not an access token');
  }
  const { sub, jti, iat, exp, roles, sid } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number') {
    throw new InvalidAccessTokenError('exp and iat are required');
  }
  if (payload.client_id !== undefined && sid === undefined) return serviceClaims(payload);
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string') {
    throw new InvalidAccessTokenError('sub, jti and sid are required');
  }
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new InvalidAccessTokenError('roles must be a list');
  }
  return {
    userId: sub,
    sessionId: sid,
    roles: roles as Role[],
    tokenId: jti,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
    scopes: scopesOfRoles(roles as string[]),
    ...authenticationClaims(payload),
  };
}

/**
 * `amr` and `auth_time` (RFC 8176, RFC 9470), when present: a token issued before they existed
 * has neither and simply cannot satisfy a step-up. Present but malformed, the token is refused.
 */
function authenticationClaims(payload: JwtPayload): Pick<AccessTokenClaims, 'amr' | 'authTime'> {
  const { amr, auth_time: authTime } = payload;
  if (amr !== undefined && !(Array.isArray(amr) && amr.every((v) => typeof v === 'string'))) {
    throw new InvalidAccessTokenError('amr must be a list of strings');
  }
  if (authTime !== undefined && !Number.isInteger(authTime)) {
    throw new InvalidAccessTokenError('auth_time must be a number of seconds');
  }
  return {
    ...(amr !== undefined && { amr: amr as string[] }),
    ...(authTime !== undefined && { authTime: new Date((authTime as number) * 1000) }),
  };
}

/**
 * A client-credentials token (RFC 9068): `sub` and `client_id` name the service account, `scope`
 * what it may do; no session and no roles.
 */
function serviceClaims(payload: JwtPayload): AccessTokenClaims {
  const { sub, jti, iat, exp, client_id: clientId, scope } = payload;
  if (typeof sub !== 'string' || typeof jti !== 'string' || sub !== clientId) {
    throw new InvalidAccessTokenError('sub, jti and client_id are required, and sub = client_id');
  }
  if (typeof scope !== 'string') throw new InvalidAccessTokenError('scope is required');
  return {
    userId: sub,
    sessionId: '',
    roles: [],
    tokenId: jti,
    issuedAt: new Date((iat as number) * 1000),
    expiresAt: new Date((exp as number) * 1000),
    scopes: scope.split(' ').filter(Boolean),
    principal: 'client',
    clientId: sub,
  };
}
