import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { mfaConfig } from '../../config/mfa.config.js';

const DEV_KEY_FILE = 'data-encryption-key';
const IV_BYTES = 12;
const logger = new Logger('DataEncryption');

interface Key {
  id: string;
  key: Buffer;
}

/** A short name for a key, stored beside each ciphertext so rotation knows which key to use. */
const keyId = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

/**
 * AES-256-GCM for secrets that must be read back (TOTP secrets), under DATA_ENCRYPTION_KEY: the
 * first key encrypts, every key decrypts, so a key is rotated by putting the new one first.
 * A ciphertext is `<key id>.<iv>.<tag>.<ciphertext>` (base64url); `context` (the user id) is
 * authenticated with it, so a row copied onto another account does not decrypt.
 */
export class DataEncryption {
  private constructor(private readonly keys: Key[]) {}

  static fromBase64(keys: readonly string[]): DataEncryption {
    if (keys.length === 0) throw new Error('DataEncryption needs at least one key');
    return new DataEncryption(
      keys.map((encoded) => {
        const key = Buffer.from(encoded, 'base64');
        return { id: keyId(key), key };
      }),
    );
  }

  encrypt(plaintext: string, context: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url'));
    return [id, ...parts].join('.');
  }

  /**
   * HMAC-SHA256 of `value` under the first key (a key of its own, derived for `purpose`): a
   * stable answer nobody without the key can tell from a random one, such as the credential id
   * a passkey sign-in offers for an email with no account.
   */
  mac(purpose: string, value: string): Buffer {
    const derived = createHmac('sha256', this.keys[0].key).update(purpose).digest();
    return createHmac('sha256', derived).update(value).digest();
  }

  /** Throws when no configured key made it or it was tampered with. */
  decrypt(ciphertext: string, context: string): string {
    const [id, iv, tag, sealed] = ciphertext.split('.');
    const key = this.keys.find((candidate) => candidate.id === id);
    if (!key || !iv || !tag || sealed === undefined) {
      throw new Error(`No DATA_ENCRYPTION_KEY decrypts this value (key id ${id})`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'))
      .setAAD(Buffer.from(context))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(sealed, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  }
}

/**
 * The configured keys; outside production (env validation refuses a production start without
 * them), a key generated once into DATA_DIR and reused, so `npm start` needs no setup.
 */
export async function loadDataEncryption(
  config: ConfigType<typeof mfaConfig>,
): Promise<DataEncryption> {
  if (config.dataEncryptionKeys.length > 0) {
    return DataEncryption.fromBase64(config.dataEncryptionKeys);
  }
  const path = join(config.dataDir, DEV_KEY_FILE);
  const existing = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (Buffer.from(existing, 'base64').length === 32) return DataEncryption.fromBase64([existing]);
  const key = randomBytes(32).toString('base64');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(path, key, { mode: 0o600 });
  logger.warn(
    `DATA_ENCRYPTION_KEY is not set: generated a development key in ${path} (set it in production)`,
  );
  return DataEncryption.fromBase64([key]);
}
