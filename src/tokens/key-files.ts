import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { JwtAlgorithm } from '../config/env.validation.js';
import type { SigningKey } from './signing-keys.js';

type AsymmetricAlgorithm = Exclude<JwtAlgorithm, 'HS256'>;

const KID = /^[\w.-]{1,64}$/;

/** A missing directory holds no keys; any other error (permissions) is a real problem. */
const ignoreMissing = (error: NodeJS.ErrnoException): string[] => {
  if (error.code === 'ENOENT') return [];
  throw error;
};
const MIN_RSA_BITS = 2048;

/**
 * Why `key` (private, or public when fetched from a JWKS) cannot serve `algorithm`, or undefined
 * when it can (RFC 7518 §3.3, §3.4).
 */
export function keyProblem(algorithm: AsymmetricAlgorithm, key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS256') {
    if (key.asymmetricKeyType !== 'rsa')
      return `is a ${key.asymmetricKeyType} key, not RSA (JWT_ALG=RS256)`;
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      return `is a ${details.modulusLength}-bit RSA key; RS256 needs ${MIN_RSA_BITS} bits or more`;
    }
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec')
    return `is a ${key.asymmetricKeyType} key, not EC (JWT_ALG=ES256)`;
  if (details.namedCurve !== 'prime256v1') {
    return `is on curve ${details.namedCurve}; ES256 needs P-256 (prime256v1)`;
  }
  return undefined;
}

/**
 * Loads every `<kid>.pem` (PKCS#8 private key) in `dir`, sorted by file name. Throws one line
 * naming the file for a key that is unreadable, not PKCS#8, or unfit for `algorithm`.
 */
export async function readKeyFiles(
  dir: string,
  algorithm: AsymmetricAlgorithm,
): Promise<SigningKey[]> {
  const files = (await readdir(dir).catch(ignoreMissing))
    .filter((file) => file.endsWith('.pem'))
    .sort();
  const keys: SigningKey[] = [];
  for (const file of files) {
    const kid = basename(file, '.pem');
    const path = join(dir, file);
    if (!KID.test(kid)) throw new Error(`Invalid key file ${path}: the name must match ${KID}`);
    const pem = await readFile(path, 'utf8');
    if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new Error(
        `Invalid key file ${path}: expected a PKCS#8 private key (BEGIN PRIVATE KEY)`,
      );
    }
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch (error) {
      throw new Error(`Invalid key file ${path}: ${(error as Error).message}`);
    }
    const problem = keyProblem(algorithm, key);
    if (problem) throw new Error(`Invalid key file ${path}: it ${problem}`);
    keys.push({ kid, algorithm, key, verifyKey: createPublicKey(key) });
  }
  return keys;
}

/** A kid that sorts by creation time, so the newest key is the default signer. */
export function datedKid(algorithm: AsymmetricAlgorithm, now = new Date()): string {
  // Milliseconds and a random suffix: two keys made in the same second must not collide.
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${algorithm.toLowerCase()}-${randomBytes(2).toString('hex')}`;
}

/** Writes a new private key (PKCS#8 PEM, mode 0600) to `dir` and returns its path. */
export async function generateKeyFile(
  dir: string,
  algorithm: AsymmetricAlgorithm,
  kid = datedKid(algorithm),
): Promise<string> {
  const { privateKey } =
    algorithm === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${kid}.pem`);
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  return path;
}
