/** Why a token that verified cryptographically is still not an access token we accept. */
export class InvalidAccessTokenError extends Error {}

/** The token is genuine, but its session has been revoked (logout, reuse, admin action). */
export class RevokedAccessTokenError extends InvalidAccessTokenError {}
