import type { AccessTokenClaims } from '../tokens/access-token-claims.js';

/** The authenticated principal of a request: the verified access token's claims. */
export type AuthUser = AccessTokenClaims;
