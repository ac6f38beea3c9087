import { createHash, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../config/env.validation.js';
import type { VerificationKeys } from './access-token-verifier.js';

export interface SigningKey {
  kid: string;
  algorithm: JwtAlgorithm;
  /**
   * Signs: the HMAC secret or the private key. A KeyObject, not a string: jsonwebtoken tries to
   * parse a string secret as a PEM key on every call, which costs ~50× the verification itself.
   */
  key: KeyObject;
  /** Verifies: the same secret for HMAC, the public key otherwise. */
  verifyKey: KeyObject;
}

/** A published verification key (RFC 7517), public parameters only. */
export type PublicJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

/** A stable, non-secret id for an HMAC key: a prefix of the SHA-256 of the key. */
const hmacKid = (secret: Buffer) =>
  `hs-${createHash('sha256').update(secret).digest('base64url').slice(0, 12)}`;

/** The keys this instance signs and verifies with: one signs, every one verifies. */
export class SigningKeys implements VerificationKeys {
  private readonly byKid: Map<string, SigningKey>;

  constructor(
    readonly signing: SigningKey,
    verifying: SigningKey[] = [signing],
  ) {
    this.byKid = new Map(verifying.map((key) => [key.kid, key]));
    this.byKid.set(signing.kid, signing);
  }

  /** The key named `kid`, or undefined: an unknown kid is just an unknown kid. */
  find(kid: unknown): SigningKey | undefined {
    return typeof kid === 'string' ? this.byKid.get(kid) : undefined;
  }

  verificationKey(kid: unknown): KeyObject | undefined {
    return this.find(kid)?.verifyKey;
  }

  get all(): SigningKey[] {
    return [...this.byKid.values()];
  }

  /** Every public verification key, for the JWKS document; HMAC secrets never appear. */
  jwks(): { keys: PublicJwk[] } {
    const keys = this.all
      .filter((key) => key.verifyKey.type === 'public')
      .map((key) => {
        const { kty, n, e, crv, x, y } = key.verifyKey.export({ format: 'jwk' });
        const params = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
        return { ...params, kid: key.kid, alg: key.algorithm, use: 'sig' as const };
      });
    return { keys };
  }

  /** HS256: `secret` signs, `previous` secrets still verify (rotating the secret). */
  static fromHmacSecrets(secret: string, previous: string[] = []): SigningKeys {
    const toKey = (value: string): SigningKey => {
      const bytes = Buffer.from(value, 'utf8');
      const key = createSecretKey(bytes);
      return { kid: hmacKid(bytes), algorithm: 'HS256', key, verifyKey: key };
    };
    return new SigningKeys(toKey(secret), previous.map(toKey));
  }
}
