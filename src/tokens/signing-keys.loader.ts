import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_SECRET_BYTES } from '../config/env-combinations.js';
import type { jwtConfig } from '../config/jwt.config.js';
import { generateKeyFile, readKeyFiles } from './key-files.js';
import { SigningKeys } from './signing-keys.js';

const DEV_SECRET_FILE = 'jwt-secret';
const logger = new Logger('SigningKeys');

type JwtConfig = ConfigType<typeof jwtConfig>;

/**
 * The keys configured for `JWT_ALG`. Outside production, what is missing is generated into the
 * data directory once and reused (an HMAC secret, or a key pair), so `npm start` needs no setup
 * and tokens survive restarts; in production a missing key stops the start.
 */
export async function loadSigningKeys(config: JwtConfig): Promise<SigningKeys> {
  if (config.algorithm === 'HS256') {
    const secret = config.secret ?? (await developmentSecret(config));
    return SigningKeys.fromHmacSecrets(secret, config.previousSecrets);
  }
  let keys = await readKeyFiles(config.keysDir, config.algorithm);
  if (keys.length === 0) {
    if (config.isProduction) {
      throw new Error(
        `Invalid configuration: no ${config.algorithm} key in JWT_KEYS_DIR (${config.keysDir}); ` +
          `create one with npm run keys:generate -- --alg ${config.algorithm}`,
      );
    }
    const path = await generateKeyFile(config.keysDir, config.algorithm);
    logger.warn(`No signing key: generated a development ${config.algorithm} key in ${path}`);
    keys = await readKeyFiles(config.keysDir, config.algorithm);
  }
  const signingKid = config.signingKid ?? keys[keys.length - 1].kid;
  const signing = keys.find((key) => key.kid === signingKid);
  if (!signing) {
    throw new Error(
      `Invalid configuration: JWT_SIGNING_KID ${signingKid} is not a key in ${config.keysDir} ` +
        `(found: ${keys.map((key) => key.kid).join(', ')})`,
    );
  }
  return new SigningKeys(signing, keys);
}

async function developmentSecret(config: JwtConfig): Promise<string> {
  const path = join(config.dataDir, DEV_SECRET_FILE);
  const existing = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (Buffer.byteLength(existing) >= MIN_SECRET_BYTES) return existing;
  const secret = randomBytes(48).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(path, secret, { mode: 0o600 });
  logger.warn(
    `JWT_SECRET is not set: generated a development secret in ${path} (set JWT_SECRET in production)`,
  );
  return secret;
}
