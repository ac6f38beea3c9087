import { createHash } from 'node:crypto';

/**
 * SHA-256 as raw bytes: what `bytea` columns store of one-time secrets (high-entropy, so nothing
 * a slow hash would protect), and equal-length inputs for `timingSafeEqual`.
 */
export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();
