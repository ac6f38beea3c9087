import { SetMetadata } from '@nestjs/common';

export const AUTH_LEVEL_KEY = 'auth:level';

/** What a route demands of the sign-in behind the token (RFC 9470 step-up). */
export interface AuthLevel {
  /** A second factor was used (`amr` holds `mfa`); the challenge asks for `acr_values="mfa"`. */
  mfa?: boolean;
  /** The user authenticated at most this many seconds ago (`auth_time`); `max_age` on the challenge. */
  maxAgeSeconds?: number;
}

/**
 * Requires a recent and/or multi-factor sign-in: 401 `insufficient_user_authentication` with the
 * RFC 9470 challenge otherwise, which the client answers by signing the user in again.
 */
export const RequireAuthLevel = (level: AuthLevel) => SetMetadata(AUTH_LEVEL_KEY, level);
