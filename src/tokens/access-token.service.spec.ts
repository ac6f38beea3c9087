import { JwtService } from '@nestjs/jwt';
import jsonwebtoken, { type JwtPayload } from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { jwtConfigFor, type JwtConfig } from '../../test/support/jwt-config.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { AccessTokenService } from './access-token.service.js';
import { SigningKeys } from './signing-keys.js';

const SECRET = 'access-token-spec-secret-0123456789-abcdef';
const TTL = 600;
const SESSION = '5f0c2a8e-0d7b-4c39-9a51-3e2b8f6d1c40';

const configFor = (overrides: Partial<JwtConfig> = {}): JwtConfig =>
  jwtConfigFor({
    algorithm: 'HS256',
    secret: SECRET,
    issuer: 'https://sentinel.test',
    audience: 'sentinel-test-api',
    accessTokenTtlSeconds: TTL,
    ...overrides,
  });

const config = configFor();
const keys = SigningKeys.fromHmacSecrets(SECRET);
const service = new AccessTokenService(new JwtService({}), keys, config);
/** Verification lives in AccessTokenVerifier; here it only checks what was issued. */
const verifier = new AccessTokenVerifier(keys, config);

describe('AccessTokenService', () => {
  describe('issue', () => {
    it('issues a token that verifies back to the same claims', () => {
      const issued = service.issue({ id: 'user-42', roles: ['user', 'admin'] }, SESSION);

      const claims = verifier.verify(issued.token);

      expect(claims).toMatchObject({
        userId: 'user-42',
        sessionId: SESSION,
        roles: ['user', 'admin'],
        tokenId: issued.claims.tokenId,
      });
      expect(claims.tokenId).toMatch(/^[0-9a-f-]{36}$/);
      expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(TTL * 1000);
      expect(Math.abs(claims.issuedAt.getTime() - Date.now())).toBeLessThan(5_000);
      // The claims returned at issue are exactly those in the token.
      expect(issued.claims).toEqual(claims);
    });

    it('gives every token its own id', () => {
      const first = service.issue({ id: 'user-42', roles: ['user'] }, SESSION);
      const second = service.issue({ id: 'user-42', roles: ['user'] }, SESSION);

      expect(first.claims.tokenId).not.toBe(second.claims.tokenId);
    });

    it('marks the header as an HS256 access token with our key id', () => {
      const { token } = service.issue({ id: 'user-42', roles: ['user'] }, SESSION);

      const { header } = jsonwebtoken.decode(token, { complete: true })!;

      expect(header).toEqual({
        alg: 'HS256',
        typ: 'at+jwt',
        kid: keys.signing.kid,
      });
      expect(header.kid).toMatch(/^hs-[\w-]{12}$/);
    });

    it('expires after the configured TTL, for our issuer and audience', () => {
      const issued = service.issue({ id: 'user-42', roles: ['user'] }, SESSION);

      const payload = jsonwebtoken.decode(issued.token) as JwtPayload;

      expect(payload.exp! - payload.iat!).toBe(TTL);
      expect(issued.expiresIn).toBe(TTL);
      expect(payload).toEqual({
        sub: 'user-42',
        sid: SESSION,
        iss: config.issuer,
        aud: config.audience,
        jti: issued.claims.tokenId,
        roles: ['user'],
        amr: ['pwd'],
        iat: payload.iat,
        exp: payload.exp,
      });
    });

    it('signs with the current key only, not with a previous secret', () => {
      const rotated = SigningKeys.fromHmacSecrets(SECRET, [
        'previous-access-token-secret-9876543210-zyxwv',
      ]);
      const { token } = new AccessTokenService(new JwtService({}), rotated, config).issue(
        { id: 'user-42', roles: ['user'] },
        SESSION,
      );

      expect(jsonwebtoken.decode(token, { complete: true })?.header.kid).toBe(keys.signing.kid);
      expect(jsonwebtoken.verify(token, keys.signing.key, { algorithms: ['HS256'] })).toMatchObject(
        { sub: 'user-42' },
      );
    });

    it.each([
      ['ES256', 'ec', 64],
      ['RS256', 'rsa', 256],
    ] as const)(
      'signs %s tokens with the private key, verifiable by the public key',
      (algorithm, type, signatureBytes) => {
        const { privateKey, publicKey } =
          type === 'ec'
            ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
            : generateKeyPairSync('rsa', { modulusLength: 2048 });
        const asymmetric = new SigningKeys({
          kid: 'key-1',
          algorithm,
          key: privateKey,
          verifyKey: publicKey,
        });
        const { token } = new AccessTokenService(
          new JwtService({}),
          asymmetric,
          configFor({ algorithm }),
        ).issue({ id: 'user-42', roles: ['user'] }, SESSION);

        expect(jsonwebtoken.decode(token, { complete: true })?.header).toEqual({
          alg: algorithm,
          typ: 'at+jwt',
          kid: 'key-1',
        });
        // JOSE signatures: r‖s for ECDSA (not DER), the modulus size for RSA.
        expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(signatureBytes);
        expect(jsonwebtoken.verify(token, publicKey, { algorithms: [algorithm] })).toMatchObject({
          sub: 'user-42',
          sid: SESSION,
        });
      },
    );
  });

  describe('issueForClient', () => {
    it('issues an RFC 9068 token whose claims are exactly those returned', () => {
      const issued = service.issueForClient('client-7', ['users:read', 'audit:read']);

      const payload = jsonwebtoken.decode(issued.token) as JwtPayload;

      expect(payload).toEqual({
        sub: 'client-7',
        client_id: 'client-7',
        scope: 'users:read audit:read',
        iss: config.issuer,
        aud: config.audience,
        jti: issued.claims.tokenId,
        iat: payload.iat,
        exp: payload.exp,
      });
      expect(payload.exp! - payload.iat!).toBe(TTL);
      expect(issued.expiresIn).toBe(TTL);
      expect(jsonwebtoken.decode(issued.token, { complete: true })?.header).toEqual({
        alg: 'HS256',
        typ: 'at+jwt',
        kid: keys.signing.kid,
      });
      expect(issued.claims).toEqual(verifier.verify(issued.token));
      expect(issued.claims).toMatchObject({
        principal: 'client',
        clientId: 'client-7',
        userId: 'client-7',
        scopes: ['users:read', 'audit:read'],
      });
    });
  });
});
