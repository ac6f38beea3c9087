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
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  claims: AccessTokenClaims;
}
