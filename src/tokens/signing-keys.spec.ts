import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SigningKeys, type SigningKey } from './signing-keys.js';

/** Every JWK member that carries private key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const SECRET = 'signing-keys-spec-secret-0123456789-abcdefg';
const PREVIOUS = 'previous-signing-keys-secret-9876543210-zyx';

function ecKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { kid, algorithm: 'ES256', key: privateKey, verifyKey: publicKey };
}

function rsaKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, algorithm: 'RS256', key: privateKey, verifyKey: publicKey };
}

describe('SigningKeys', () => {
  describe('fromHmacSecrets', () => {
    it('uses JWT_SECRET as its UTF-8 bytes, with a kid derived from it', () => {
      const keys = SigningKeys.fromHmacSecrets('é'.repeat(16));

      expect(keys.signing.algorithm).toBe('HS256');
      expect(keys.signing.key.type).toBe('secret');
      expect(keys.signing.key.export().equals(Buffer.from('é'.repeat(16), 'utf8'))).toBe(true);
      expect(keys.signing.verifyKey).toBe(keys.signing.key);
      expect(keys.signing.kid).toMatch(/^hs-[\w-]{12}$/);
      expect(SigningKeys.fromHmacSecrets('é'.repeat(16)).signing.kid).toBe(keys.signing.kid);
      expect(SigningKeys.fromHmacSecrets('e'.repeat(32)).signing.kid).not.toBe(keys.signing.kid);
    });

    it('signs with the current secret and verifies with the previous ones too', () => {
      const keys = SigningKeys.fromHmacSecrets(SECRET, [PREVIOUS]);
      const previousKid = SigningKeys.fromHmacSecrets(PREVIOUS).signing.kid;

      expect(keys.signing.kid).toBe(SigningKeys.fromHmacSecrets(SECRET).signing.kid);
      expect(keys.all.map((key) => key.kid).sort()).toEqual([keys.signing.kid, previousKid].sort());
      expect(keys.find(previousKid)?.key.export().toString('utf8')).toBe(PREVIOUS);
      expect(keys.verificationKey(previousKid)?.export().toString('utf8')).toBe(PREVIOUS);
    });

    it('holds the current secret once even when it is also listed as previous', () => {
      const keys = SigningKeys.fromHmacSecrets(SECRET, [SECRET]);

      expect(keys.all).toHaveLength(1);
      expect(keys.all[0]).toBe(keys.signing);
    });
  });

  describe('find and verificationKey', () => {
    it('finds keys by kid only, and nothing for anything else', () => {
      const keys = SigningKeys.fromHmacSecrets('k'.repeat(8) + SECRET);

      expect(keys.find(keys.signing.kid)).toBe(keys.signing);
      for (const kid of [undefined, null, 42, '', 'hs-other', '../jwt-secret', 'constructor']) {
        expect(keys.find(kid)).toBeUndefined();
        expect(keys.verificationKey(kid)).toBeUndefined();
      }
    });

    it('gives the public key, never the private key, to verify an asymmetric kid', () => {
      const signing = ecKey('ec-2');
      const older = ecKey('ec-1');
      const keys = new SigningKeys(signing, [older, signing]);

      expect(keys.verificationKey('ec-2')).toBe(signing.verifyKey);
      expect(keys.verificationKey('ec-1')).toBe(older.verifyKey);
      expect(keys.verificationKey('ec-1')?.type).toBe('public');
      expect(keys.all.map((key) => key.kid)).toEqual(['ec-1', 'ec-2']);
    });

    it('always includes the signing key among the verifying keys', () => {
      const signing = ecKey('ec-new');
      const keys = new SigningKeys(signing, [ecKey('ec-old')]);

      expect(keys.find('ec-new')).toBe(signing);
      expect(keys.all.map((key) => key.kid)).toEqual(['ec-old', 'ec-new']);
    });
  });

  describe('jwks', () => {
    it('publishes an ES256 key as kty/crv/x/y with kid, alg and use, and nothing private', () => {
      const key = ecKey('ec-1');
      const { keys } = new SigningKeys(key).jwks();

      expect(keys).toHaveLength(1);
      const [jwk] = keys;
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'ec-1', alg: 'ES256', use: 'sig' });
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      // The published key is exactly our verification key.
      const imported = createPublicKey({ key: jwk, format: 'jwk' });
      expect(imported.equals(key.verifyKey)).toBe(true);
    });

    it('publishes an RS256 key as kty/n/e with kid, alg and use, and nothing private', () => {
      const key = rsaKey('rsa-1');
      const { keys } = new SigningKeys(key).jwks();

      expect(keys).toHaveLength(1);
      const [jwk] = keys;
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(jwk).toMatchObject({ kty: 'RSA', e: 'AQAB', kid: 'rsa-1', alg: 'RS256', use: 'sig' });
      expect(Buffer.from(jwk.n!, 'base64url')).toHaveLength(256);
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      const imported = createPublicKey({ key: jwk, format: 'jwk' });
      expect(imported.equals(key.verifyKey)).toBe(true);
    });

    it('publishes every verifying key, the previous ones too', () => {
      const signing = ecKey('ec-2');
      const keys = new SigningKeys(signing, [ecKey('ec-1'), signing]);

      expect(keys.jwks().keys.map((jwk) => jwk.kid)).toEqual(['ec-1', 'ec-2']);
    });

    it('never publishes an HMAC secret, current or previous', () => {
      const keys = SigningKeys.fromHmacSecrets(SECRET, [PREVIOUS]);

      expect(keys.jwks()).toEqual({ keys: [] });
      expect(JSON.stringify(keys.jwks())).not.toContain(
        Buffer.from(SECRET).toString('base64url').slice(0, 16),
      );
    });
  });
});
