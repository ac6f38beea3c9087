import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64 } from './jwt.js';

export type AsymmetricAlgorithm = 'RS256' | 'ES256';

export const newKeyPair = (algorithm: AsymmetricAlgorithm) =>
  algorithm === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A JWT_KEYS_DIR of its own, to which keys can be added and from which they can be retired. */
export async function createKeysDir() {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-keys-'));
  return {
    dir,
    add: async (kid: string, algorithm: AsymmetricAlgorithm) => {
      const { privateKey, publicKey } = newKeyPair(algorithm);
      await writeFile(join(dir, `${kid}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return { privateKey, publicKey };
    },
    retire: (kid: string) => rm(join(dir, `${kid}.pem`)),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Signs header.payload with an asymmetric key as JWS does (ES256: raw r||s, not DER). */
export function signToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    ...(privateKey.asymmetricKeyType === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  return `${input}.${signature.toString('base64url')}`;
}

export const hmacWith = (
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Buffer,
  bits = 256,
) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(`sha${bits}`, secret).update(input).digest('base64url')}`;
};
