import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 is enough for a 256-bit random secret: there is nothing to brute-force. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque refresh token (256 random bits, base64url) and the hash that is stored. */
export function generateRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** Refresh tokens are exactly 43 base64url characters; anything else cannot be one. */
export const isRefreshTokenShaped = (value: string) => /^[A-Za-z0-9_-]{43}$/.test(value);
