import { randomBytes } from 'node:crypto';
import { sha256 } from '../../common/sha256.js';

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

/** Crockford-like alphabet without 0/1/i/l/o/u: nothing a user misreads from paper. */
const ALPHABET = 'abcdefghjkmnpqrstvwxyz23456789';

/** `xxxxx-xxxxx`: 10 characters of a 30-letter alphabet, about 49 bits, each code used once. */
export function generateRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** What is stored: SHA-256 of the code as typed, case, spaces and dashes aside. */
export function hashRecoveryCode(code: string): Buffer {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '');
  return sha256(normalized);
}
