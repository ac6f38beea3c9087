import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys: `snt_` and 256 random bits in base64url, so a leaked one is easy to recognise. */
export const API_KEY_PREFIX = 'snt_';
const API_KEY = /^snt_[A-Za-z0-9_-]{43}$/;
/** Characters of a key shown in listings to tell keys apart (never enough to use one). */
const SHOWN_CHARACTERS = 12;

/** SHA-256 is enough for 256 random bits: there is nothing to brute-force. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string | null): boolean {
  return b !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export const isApiKeyShaped = (value: string) => API_KEY.test(value);

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, SHOWN_CHARACTERS), hash: hashSecret(key) };
}

/** A service account's secret: 256 random bits. */
export function generateClientSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}
