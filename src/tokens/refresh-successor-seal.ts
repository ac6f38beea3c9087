import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the derived key to this one use (RFC 5869 §3.2), so it is no key for anything else. */
const INFO = 'sentinel refresh-token successor v1';

/**
 * The key that seals a refresh token's successor: HKDF-SHA256 of the presented token. Only the
 * token's holder can derive it; the database keeps the token's SHA-256, from which it cannot be.
 */
const keyOf = (presented: string) =>
  Buffer.from(hkdfSync('sha256', presented, Buffer.alloc(0), INFO, 32));

/**
 * The successor of `presented`, encrypted under a key derived from `presented` (AES-256-GCM,
 * random IV): `iv ‖ ciphertext ‖ tag`. Stored with the spent token, so a retry within
 * `REFRESH_RETRY_WINDOW` gets the same successor back without anything usable in the clear.
 */
export function sealSuccessor(presented: string, successor: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, keyOf(presented), iv);
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]);
}

/** The successor `sealSuccessor(presented, …)` sealed; throws if `sealed` is not that. */
export function openSealedSuccessor(presented: string, sealed: Buffer): string {
  const decipher = createDecipheriv(ALGORITHM, keyOf(presented), sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const ciphertext = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}
