import type { Role } from '../users/role.js';

/** The `typ` header of access tokens (RFC 9068 §2.1), so no other JWT can pass for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** What a verified access token says about its bearer. */
export interface AccessTokenClaims {
  userId: string;
  /** The session (`sid`) the token was issued for; revoking it revokes the token. */
  sessionId: string;
  roles: Role[];
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
  /**
   * What the bearer may do (`@Scopes`): a user's token the scopes of its roles, an API key or a
   * service token its own. Absent on principals of strategies that predate scopes (roles rule).
   */
  scopes?: readonly string[];
  /** Set for machine principals: an API key (`api_key`) or a service account (`client`). */
  principal?: 'api_key' | 'client';
  /** The service account (`client_id`) of a client-credentials token. */
  clientId?: string;
  /** How the user authenticated (RFC 8176 `amr`): `pwd`, `otp`, `hwk`, `swk`, `mfa`, `fed`. */
  amr?: readonly string[];
  /**
   * When the user authenticated (RFC 9470 `auth_time`); absent on machine principals (API keys,
   * service tokens), which therefore never satisfy a step-up.
   */
  authTime?: Date;
}

/** How a session was authenticated, for its access tokens (RFC 8176 and RFC 9470). */
export interface AuthenticationContext {
  amr?: readonly string[];
  authTime: Date;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  claims: AccessTokenClaims;
}
