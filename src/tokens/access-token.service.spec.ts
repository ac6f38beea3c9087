import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import jsonwebtoken, { type JwtHeader, type JwtPayload, type SignOptions } from 'jsonwebtoken';
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { jwtConfig } from '../config/jwt.config.js';
import {
  AccessTokenService,
  InvalidAccessTokenError,
  RevokedAccessTokenError,
} from './access-token.service.js';
import { RevokedSessions } from './revoked-sessions.js';
import { SigningKeys } from './signing-keys.js';

const SECRET = 'access-token-spec-secret-0123456789-abcdef';
const TTL = 600;

const config: ConfigType<typeof jwtConfig> = {
  algorithm: 'HS256',
  secret: SECRET,
  issuer: 'https://sentinel.test',
  audience: 'sentinel-test-api',
  clockToleranceSeconds: 30,
  accessTokenTtlSeconds: TTL,
  dataDir: './data',
  isProduction: false,
};

const keys = SigningKeys.fromHmacSecret(SECRET);
/** Only `add`/`has` are used here: no database behind it. */
const revoked = new RevokedSessions(null as never, { revocationRetentionSeconds: 930 } as never);
const service = new AccessTokenService(new JwtService({}), keys, revoked, config);
const SESSION = '5f0c2a8e-0d7b-4c39-9a51-3e2b8f6d1c40';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A token signed with jsonwebtoken directly: by default exactly what the service issues, so each
 * test changes one thing.
 */
function forge(
  overrides: Omit<SignOptions, 'header'> & { header?: Record<string, unknown> } = {},
  key: KeyObject = keys.signing.key,
  payload: object = { roles: ['user'], sid: SESSION },
): string {
  const { header, ...options } = overrides;
  const algorithm = options.algorithm ?? 'HS256';
  const signOptions: SignOptions = {
    keyid: keys.signing.kid,
    subject: 'user-1',
    issuer: config.issuer,
    audience: config.audience,
    expiresIn: TTL,
    jwtid: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
    ...options,
    algorithm,
    header: { alg: algorithm, typ: 'at+jwt', ...header } as JwtHeader,
  };
  // jsonwebtoken refuses `expiresIn: undefined`; an override to undefined means "leave it out".
  if (signOptions.expiresIn === undefined) delete signOptions.expiresIn;
  return jsonwebtoken.sign(payload, key, signOptions);
}

describe('AccessTokenService', () => {
  describe('issue', () => {
    it('issues a token that verifies back to the same claims', () => {
      const issued = service.issue({ id: 'user-42', roles: ['user', 'admin'] }, SESSION);

      const claims = service.verify(issued.token);

      expect(claims).toMatchObject({
        userId: 'user-42',
        roles: ['user', 'admin'],
        tokenId: issued.claims.tokenId,
      });
      expect(claims.tokenId).toMatch(/^[0-9a-f-]{36}$/);
      expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(TTL * 1000);
      expect(Math.abs(claims.issuedAt.getTime() - Date.now())).toBeLessThan(5_000);
      // The claims returned at issue are exactly those in the token.
      expect(issued.claims.issuedAt).toEqual(claims.issuedAt);
      expect(issued.claims.expiresAt).toEqual(claims.expiresAt);
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
      expect(payload).toMatchObject({
        sub: 'user-42',
        iss: config.issuer,
        aud: config.audience,
        jti: issued.claims.tokenId,
        roles: ['user'],
      });
    });
  });

  describe('verify', () => {
    it('accepts a token forged exactly like an issued one (control for the cases below)', () => {
      expect(service.verify(forge())).toMatchObject({ userId: 'user-1', roles: ['user'] });
    });

    it('rejects a token signed with another secret under our kid', () => {
      const otherKey = createSecretKey(Buffer.from('another-secret-of-enough-length-0123456789'));

      expect(() => service.verify(forge({}, otherKey))).toThrow(/invalid signature/);
    });

    it('rejects a token from another issuer', () => {
      expect(() => service.verify(forge({ issuer: 'https://evil.test' }))).toThrow(
        /jwt issuer invalid/,
      );
    });

    it('rejects a token for another audience', () => {
      expect(() => service.verify(forge({ audience: 'other-api' }))).toThrow(
        /jwt audience invalid/,
      );
    });

    it('rejects an unsigned token (alg none)', () => {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'none', typ: 'at+jwt', kid: keys.signing.kid };
      const payload = {
        sub: 'user-1',
        roles: ['admin'],
        jti: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
        iss: config.issuer,
        aud: config.audience,
        iat: now,
        exp: now + TTL,
      };
      const token = `${base64url(header)}.${base64url(payload)}.`;

      expect(() => service.verify(token)).toThrow(jsonwebtoken.JsonWebTokenError);
    });

    it('rejects HS512 even with the right secret (the algorithm is pinned)', () => {
      expect(() => service.verify(forge({ algorithm: 'HS512' }))).toThrow(/invalid algorithm/);
    });

    it('rejects a token without exp', () => {
      const token = forge({ expiresIn: undefined });

      expect(jsonwebtoken.decode(token)).not.toHaveProperty('exp');
      expect(() => service.verify(token)).toThrow(InvalidAccessTokenError);
    });

    it('rejects an expired token beyond the clock tolerance', () => {
      const now = Math.floor(Date.now() / 1000);
      const token = forge({ expiresIn: undefined }, keys.signing.key, {
        roles: ['user'],
        iat: now - TTL - 60,
        exp: now - 60,
      });

      expect(() => service.verify(token)).toThrow(jsonwebtoken.TokenExpiredError);
    });

    it('accepts a token that expired within the clock tolerance', () => {
      const now = Math.floor(Date.now() / 1000);
      const token = forge({ expiresIn: undefined }, keys.signing.key, {
        roles: ['user'],
        sid: SESSION,
        iat: now - TTL,
        exp: now - 5,
      });

      expect(service.verify(token).userId).toBe('user-1');
    });

    it('rejects a token without a session id', () => {
      const token = forge({}, keys.signing.key, { roles: ['user'] });

      expect(() => service.verify(token)).toThrow(InvalidAccessTokenError);
    });

    it('rejects a genuine token once its session is revoked, and only that session', () => {
      const other = 'a6d1b0f4-9e3c-4d7a-8b2f-0c5e1d9a7b63';
      const kept = service.issue({ id: 'user-7', roles: ['user'] }, SESSION).token;
      const doomed = service.issue({ id: 'user-7', roles: ['user'] }, other).token;
      expect(service.verify(doomed).sessionId).toBe(other);

      revoked.add([other]);

      expect(() => service.verify(doomed)).toThrow(RevokedAccessTokenError);
      expect(service.verify(kept).sessionId).toBe(SESSION);
    });

    it.each(['JWT', 'jwt', undefined])('rejects a token whose typ is %p', (typ) => {
      const token = forge({ header: { typ } });

      expect(() => service.verify(token)).toThrow(InvalidAccessTokenError);
    });

    it('accepts the media-type form of the typ (RFC 9068 §2.1)', () => {
      expect(service.verify(forge({ header: { typ: 'application/at+jwt' } })).userId).toBe(
        'user-1',
      );
    });

    it('rejects a token whose roles claim is not a list of strings', () => {
      const token = forge({}, keys.signing.key, { roles: 'admin' });

      expect(() => service.verify(token)).toThrow(InvalidAccessTokenError);
    });

    it('rejects a token whose payload was changed after signing', () => {
      const [header, payload, signature] = service
        .issue({ id: 'user-42', roles: ['user'] }, SESSION)
        .token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const tampered = `${header}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`;

      expect(() => service.verify(tampered)).toThrow(/invalid signature/);
    });

    it('rejects a token under a kid that is not ours', () => {
      const token = forge({ keyid: 'hs-somebodyelse' });

      expect(() => service.verify(token)).toThrow(InvalidAccessTokenError);
    });
  });

  describe('keyFor', () => {
    it('returns the signing key for a token carrying our kid', () => {
      expect(service.keyFor(service.issue({ id: 'u', roles: ['user'] }, SESSION).token)).toBe(
        keys.signing.key,
      );
    });

    it.each(['garbage', '', '.', 'not-json.payload.signature', `${base64url([1, 2])}.e30.`])(
      'returns undefined for the malformed token %p',
      (token) => {
        expect(service.keyFor(token)).toBeUndefined();
      },
    );

    it('returns undefined for a token signed by another key', () => {
      const other = SigningKeys.fromHmacSecret('a-different-secret-of-enough-length-012345');
      const token = new AccessTokenService(new JwtService({}), other, revoked, config).issue(
        {
          id: 'u',
          roles: ['user'],
        },
        SESSION,
      ).token;

      expect(service.keyFor(token)).toBeUndefined();
    });

    it.each(['../../etc/passwd', '__proto__', 'constructor', 42, null])(
      'returns undefined for the kid %p',
      (kid) => {
        const token = `${base64url({ alg: 'HS256', typ: 'at+jwt', kid })}.e30.sig`;

        expect(service.keyFor(token)).toBeUndefined();
      },
    );
  });
});
