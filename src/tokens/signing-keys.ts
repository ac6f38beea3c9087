import { Logger } from '@nestjs/common';
import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JwtAlgorithm } from '../config/env.validation.js';
import { MIN_SECRET_BYTES } from '../config/env.validation.js';

export interface SigningKey {
  kid: string;
  algorithm: JwtAlgorithm;
  /**
   * A KeyObject, not a string: jsonwebtoken tries to parse a string secret as a PEM key on every
   * call, which costs ~50× the verification itself.
   */
  key: KeyObject;
}

const DEV_SECRET_FILE = 'jwt-secret';

/** A stable, non-secret id for an HMAC key: a prefix of the SHA-256 of the key. */
const hmacKid = (secret: Buffer) =>
  `hs-${createHash('sha256').update(secret).digest('base64url').slice(0, 12)}`;

/** The keys this instance signs and verifies with: one signs, every one verifies. */
export class SigningKeys {
  private readonly byKid: Map<string, SigningKey>;

  constructor(
    readonly signing: SigningKey,
    verifying: SigningKey[] = [signing],
  ) {
    this.byKid = new Map(verifying.map((key) => [key.kid, key]));
  }

  /** The verification key for `kid`, or undefined: an unknown kid is just an unknown kid. */
  find(kid: unknown): SigningKey | undefined {
    return typeof kid === 'string' ? this.byKid.get(kid) : undefined;
  }

  static fromHmacSecret(secret: string): SigningKeys {
    const bytes = Buffer.from(secret, 'utf8');
    return new SigningKeys({
      kid: hmacKid(bytes),
      algorithm: 'HS256',
      key: createSecretKey(bytes),
    });
  }

  /**
   * HS256 keys from configuration. Without `JWT_SECRET` (refused in production by config
   * validation) a random development secret is created once in the data directory and reused,
   * so tokens survive restarts.
   */
  static async load(options: { secret?: string; dataDir: string }): Promise<SigningKeys> {
    if (options.secret) return SigningKeys.fromHmacSecret(options.secret);
    const path = join(options.dataDir, DEV_SECRET_FILE);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing && Buffer.byteLength(existing.trim()) >= MIN_SECRET_BYTES) {
      return SigningKeys.fromHmacSecret(existing.trim());
    }
    const secret = randomBytes(48).toString('base64url');
    await mkdir(options.dataDir, { recursive: true });
    await writeFile(path, secret, { mode: 0o600 });
    new Logger('Tokens').warn(
      `JWT_SECRET is not set: generated a development secret in ${path} (set JWT_SECRET in production)`,
    );
    return SigningKeys.fromHmacSecret(secret);
  }
}
