import { jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import jsonwebtoken, { type JwtHeader, type SignOptions } from 'jsonwebtoken';
import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtConfigFor, type JwtConfig } from '../../test/support/jwt-config.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { InvalidAccessTokenError, RevokedAccessTokenError } from './access-token.errors.js';
import { AccessTokenService } from './access-token.service.js';
import { RevokedSessions } from './revoked-sessions.js';
import { SigningKeys } from './signing-keys.js';

const SECRET = 'access-token-spec-secret-0123456789-abcdef';
const PREVIOUS_SECRET = 'previous-access-token-secret-9876543210-zyxwv';
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
/** Only `add`/`has` are used here: no database behind it. */
const revoked = new RevokedSessions(
  null as never,
  null as never,
  {
    accessTokenTtlSeconds: 900,
    clockToleranceSeconds: 30,
  } as never,
);
/** Wired as TokensModule wires it. */
const verifierOver = (signingKeys: SigningKeys, options: Partial<JwtConfig> = {}) =>
  new AccessTokenVerifier(signingKeys, {
    ...configFor(options),
    isRevoked: (sessionId) => revoked.has(sessionId),
  });
const issuerOver = (signingKeys: SigningKeys, options: Partial<JwtConfig> = {}) =>
  new AccessTokenService(new JwtService({}), signingKeys, configFor(options));

const verifier = verifierOver(keys);
const service = issuerOver(keys);

/** An in-memory asymmetric key set, as `readKeyFiles` would return for one key file. */
function asymmetricKeys(algorithm: 'ES256' | 'RS256', kid: string): SigningKeys {
  const { privateKey, publicKey } =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new SigningKeys({ kid, algorithm, key: privateKey, verifyKey: publicKey });
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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
  for (const [name, value] of Object.entries(signOptions)) {
    if (value === undefined) delete signOptions[name as keyof SignOptions];
  }
  return jsonwebtoken.sign(payload, key, signOptions);
}

/** An unsigned token (`alg: none`) carrying otherwise valid claims under `kid`. */
function unsigned(kid: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'none', typ: 'at+jwt', kid };
  const payload = {
    sub: 'user-1',
    sid: SESSION,
    roles: ['admin'],
    jti: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
    iss: config.issuer,
    aud: config.audience,
    iat: now,
    exp: now + TTL,
  };
  return `${base64url(header)}.${base64url(payload)}.`;
}

describe('AccessTokenVerifier', () => {
  describe('verify (HS256)', () => {
    it('verifies an issued token back to the claims returned at issue', () => {
      const issued = service.issue({ id: 'user-42', roles: ['user', 'admin'] }, SESSION);

      const claims = verifier.verify(issued.token);

      expect(claims).toEqual(issued.claims);
      expect(claims).toMatchObject({
        userId: 'user-42',
        sessionId: SESSION,
        roles: ['user', 'admin'],
      });
    });

    it('accepts a token forged exactly like an issued one (control for the cases below)', () => {
      expect(verifier.verify(forge())).toMatchObject({ userId: 'user-1', roles: ['user'] });
    });

    it('rejects a token signed with another secret under our kid', () => {
      const otherKey = createSecretKey(Buffer.from('another-secret-of-enough-length-0123456789'));

      expect(() => verifier.verify(forge({}, otherKey))).toThrow(/invalid signature/);
    });

    it('rejects a token from another issuer', () => {
      expect(() => verifier.verify(forge({ issuer: 'https://evil.test' }))).toThrow(
        /jwt issuer invalid/,
      );
    });

    it('rejects a token for another audience', () => {
      expect(() => verifier.verify(forge({ audience: 'other-api' }))).toThrow(
        /jwt audience invalid/,
      );
    });

    it('rejects an unsigned token (alg none) under our kid', () => {
      expect(() => verifier.verify(unsigned(keys.signing.kid))).toThrow(
        /jwt signature is required/,
      );
    });

    it('rejects HS512 even with the right secret (the algorithm is pinned)', () => {
      expect(() => verifier.verify(forge({ algorithm: 'HS512' }))).toThrow(/invalid algorithm/);
    });

    it('rejects a token without exp', () => {
      const token = forge({ expiresIn: undefined });

      expect(jsonwebtoken.decode(token)).not.toHaveProperty('exp');
      expect(() => verifier.verify(token)).toThrow(
        new InvalidAccessTokenError('exp and iat are required'),
      );
    });

    it('rejects an expired token beyond the clock tolerance', () => {
      const now = Math.floor(Date.now() / 1000);
      const token = forge({ expiresIn: undefined }, keys.signing.key, {
        roles: ['user'],
        sid: SESSION,
        iat: now - TTL - 60,
        exp: now - 60,
      });

      expect(() => verifier.verify(token)).toThrow(jsonwebtoken.TokenExpiredError);
    });

    it('accepts a token that expired within the clock tolerance', () => {
      const now = Math.floor(Date.now() / 1000);
      const token = forge({ expiresIn: undefined }, keys.signing.key, {
        roles: ['user'],
        sid: SESSION,
        iat: now - TTL,
        exp: now - 5,
      });

      expect(verifier.verify(token).userId).toBe('user-1');
    });

    it('rejects a token not valid before a time beyond the clock tolerance', () => {
      expect(() => verifier.verify(forge({ notBefore: 120 }))).toThrow(jsonwebtoken.NotBeforeError);
    });

    it('rejects a token without a session id', () => {
      const token = forge({}, keys.signing.key, { roles: ['user'] });

      expect(() => verifier.verify(token)).toThrow(
        new InvalidAccessTokenError('sub, jti and sid are required'),
      );
    });

    it('rejects a token without a subject', () => {
      expect(() => verifier.verify(forge({ subject: undefined }))).toThrow(
        new InvalidAccessTokenError('sub, jti and sid are required'),
      );
    });

    it('rejects a genuine token once its session is revoked, and only that session', () => {
      const other = 'a6d1b0f4-9e3c-4d7a-8b2f-0c5e1d9a7b63';
      const kept = service.issue({ id: 'user-7', roles: ['user'] }, SESSION).token;
      const doomed = service.issue({ id: 'user-7', roles: ['user'] }, other).token;
      expect(verifier.verify(doomed).sessionId).toBe(other);

      revoked.add([other]);

      expect(() => verifier.verify(doomed)).toThrow(RevokedAccessTokenError);
      expect(verifier.verify(kept).sessionId).toBe(SESSION);
    });

    it('checks no revocation when built without isRevoked (a resource server)', () => {
      const other = 'b7e2c1a5-0f4d-4e8b-9c3a-1d6f2e0b8c74';
      revoked.add([other]);
      const token = service.issue({ id: 'user-7', roles: ['user'] }, other).token;
      expect(() => verifier.verify(token)).toThrow(RevokedAccessTokenError);

      const withoutRevocation = new AccessTokenVerifier(keys, config);

      expect(withoutRevocation.verify(token).sessionId).toBe(other);
    });

    it.each(['JWT', 'jwt', undefined])('rejects a token whose typ is %p', (typ) => {
      const token = forge({ header: { typ } });

      expect(() => verifier.verify(token)).toThrow(
        new InvalidAccessTokenError('not an access token'),
      );
    });

    it('accepts the media-type form of the typ (RFC 9068 §2.1)', () => {
      expect(verifier.verify(forge({ header: { typ: 'application/at+jwt' } })).userId).toBe(
        'user-1',
      );
    });

    it('rejects a token whose roles claim is not a list of strings', () => {
      expect(() =>
        verifier.verify(forge({}, keys.signing.key, { roles: 'admin', sid: SESSION })),
      ).toThrow(new InvalidAccessTokenError('roles must be a list'));
      expect(() =>
        verifier.verify(forge({}, keys.signing.key, { roles: [1], sid: SESSION })),
      ).toThrow(new InvalidAccessTokenError('roles must be a list'));
    });

    it('rejects a token whose payload was changed after signing', () => {
      const [header, payload, signature] = service
        .issue({ id: 'user-42', roles: ['user'] }, SESSION)
        .token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const tampered = `${header}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`;

      expect(() => verifier.verify(tampered)).toThrow(/invalid signature/);
    });

    it('rejects a token under a kid that is not ours', () => {
      const token = forge({ keyid: 'hs-somebodyelse' });

      expect(() => verifier.verify(token)).toThrow(new InvalidAccessTokenError('unknown key'));
    });
  });

  describe('verify across a secret rotation', () => {
    it('accepts tokens of JWT_PREVIOUS_SECRETS until the secret is dropped', () => {
      const before = SigningKeys.fromHmacSecrets(PREVIOUS_SECRET);
      const token = issuerOver(before).issue({ id: 'user-9', roles: ['user'] }, SESSION).token;

      const rotated = SigningKeys.fromHmacSecrets(SECRET, [PREVIOUS_SECRET]);
      expect(rotated.signing.kid).toBe(keys.signing.kid);
      expect(verifierOver(rotated).verify(token).userId).toBe('user-9');

      expect(() => verifier.verify(token)).toThrow(new InvalidAccessTokenError('unknown key'));
    });
  });

  describe.each(['ES256', 'RS256'] as const)('verify (%s)', (algorithm) => {
    const asymmetric = asymmetricKeys(algorithm, `20250101T000000Z-${algorithm.toLowerCase()}`);
    const asymmetricVerifier = verifierOver(asymmetric, { algorithm });
    const issuer = issuerOver(asymmetric, { algorithm });

    it('round-trips an issued token through the public key', () => {
      const issued = issuer.issue({ id: 'user-42', roles: ['admin'] }, SESSION);

      expect(jsonwebtoken.decode(issued.token, { complete: true })?.header).toEqual({
        alg: algorithm,
        typ: 'at+jwt',
        kid: asymmetric.signing.kid,
      });
      expect(asymmetricVerifier.verify(issued.token)).toEqual(issued.claims);
    });

    it('rejects a token signed by another key of the same type under our kid', () => {
      const impostor = asymmetricKeys(algorithm, asymmetric.signing.kid);
      const token = issuerOver(impostor, { algorithm }).issue(
        { id: 'user-42', roles: ['admin'] },
        SESSION,
      ).token;

      expect(() => asymmetricVerifier.verify(token)).toThrow(/invalid signature/);
    });

    it('rejects an HS256 token issued with a secret (the algorithm is pinned)', () => {
      const hsKeys = SigningKeys.fromHmacSecrets(SECRET);
      const pinned = new AccessTokenVerifier(
        new SigningKeys(asymmetric.signing, [asymmetric.signing, hsKeys.signing]),
        { ...config, algorithm },
      );
      const token = service.issue({ id: 'user-42', roles: ['admin'] }, SESSION).token;

      expect(() => pinned.verify(token)).toThrow(/invalid algorithm/);
    });

    it('rejects an unsigned token (alg none) under our kid', () => {
      expect(() => asymmetricVerifier.verify(unsigned(asymmetric.signing.kid))).toThrow(
        /jwt signature is required/,
      );
    });
  });

  describe('algorithm confusion', () => {
    const rsa = asymmetricKeys('RS256', 'rsa-key-1');
    const rsaVerifier = verifierOver(rsa, { algorithm: 'RS256' });

    it('refuses an HS256 token whose secret is our RSA public key PEM, under our kid', () => {
      const publicPem = rsa.signing.verifyKey.export({ type: 'spki', format: 'pem' });
      const confused = createSecretKey(Buffer.from(publicPem));
      const token = forge({ keyid: rsa.signing.kid }, confused);
      expect(jsonwebtoken.decode(token, { complete: true })?.header).toMatchObject({
        alg: 'HS256',
        kid: 'rsa-key-1',
      });

      expect(() => rsaVerifier.verify(token)).toThrow(/invalid algorithm/);
    });

    it('refuses an ES256 token under an RS256 verifier even with a known kid', () => {
      const ec = asymmetricKeys('ES256', 'ec-key-1');
      const both = new SigningKeys(rsa.signing, [rsa.signing, ec.signing]);
      const token = issuerOver(ec, { algorithm: 'ES256' }).issue(
        { id: 'user-42', roles: ['admin'] },
        SESSION,
      ).token;

      expect(verifierOver(both, { algorithm: 'ES256' }).verify(token).userId).toBe('user-42');
      expect(() => verifierOver(both, { algorithm: 'RS256' }).verify(token)).toThrow(
        /invalid algorithm/,
      );
    });
  });

  describe('remembering verified tokens', () => {
    afterEach(() => jest.restoreAllMocks());

    /** Counts the key lookups, which only a full verification makes. */
    const counted = () => {
      const lookups = { count: 0 };
      const counting = new AccessTokenVerifier(
        {
          verificationKey: (kid) => {
            lookups.count++;
            return keys.verificationKey(kid);
          },
        },
        { ...config, isRevoked: (sessionId) => revoked.has(sessionId) },
      );
      return { counting, lookups };
    };

    it('verifies a token in full once, then answers its next uses from memory', () => {
      const { counting, lookups } = counted();
      const { token, claims } = service.issue({ id: 'user-5', roles: ['admin'] }, SESSION);

      for (let use = 0; use < 3; use++) expect(counting.verify(token)).toEqual(claims);
      expect(lookups.count).toBe(1);
    });

    it('never lets a tampered copy of a remembered token through', () => {
      const { counting } = counted();
      const { token } = service.issue({ id: 'user-5', roles: ['user'] }, SESSION);
      counting.verify(token);
      const [header, payload, signature] = token.split('.');
      const elevated = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
          roles: ['admin'],
        }),
      ).toString('base64url');
      const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');

      expect(() => counting.verify(`${header}.${elevated}.${signature}`)).toThrow(
        /invalid signature/,
      );
      expect(() => counting.verify(`${header}.${payload}.${flipped}`)).toThrow(/invalid signature/);
    });

    it('refuses a remembered token once it has expired (beyond the clock tolerance)', () => {
      const { counting } = counted();
      const issued = service.issue({ id: 'user-5', roles: ['user'] }, SESSION);
      counting.verify(issued.token);
      const expiredAt =
        issued.claims.expiresAt.getTime() + (config.clockToleranceSeconds + 1) * 1000;
      jest.spyOn(Date, 'now').mockReturnValue(expiredAt);

      expect(() => counting.verify(issued.token)).toThrow(jsonwebtoken.TokenExpiredError);
    });

    it('refuses a remembered token as soon as its session is revoked', () => {
      const { counting } = counted();
      const session = 'c8f3d2b6-1a5e-4f9c-8d4b-2e7a3f1c9d85';
      const { token } = service.issue({ id: 'user-5', roles: ['user'] }, session);
      expect(counting.verify(token).sessionId).toBe(session);

      revoked.add([session]);

      expect(() => counting.verify(token)).toThrow(RevokedAccessTokenError);
    });
  });

  describe('choosing the key by kid', () => {
    const unknownKey = new InvalidAccessTokenError('unknown key');

    it.each(['garbage', '', '.', 'not-json.payload.signature', `${base64url([1, 2])}.e30.`])(
      'refuses the malformed token %p before any verification',
      (token) => {
        expect(() => verifier.verify(token)).toThrow(unknownKey);
      },
    );

    it('refuses a token signed by another key under its own kid', () => {
      const other = SigningKeys.fromHmacSecrets('a-different-secret-of-enough-length-012345');
      const token = issuerOver(other).issue({ id: 'u', roles: ['user'] }, SESSION).token;

      expect(() => verifier.verify(token)).toThrow(unknownKey);
    });

    it.each(['../../etc/passwd', '__proto__', 'constructor', 'unknown-kid', 42, null])(
      'refuses the kid %p',
      (kid) => {
        const token = `${base64url({ alg: 'HS256', typ: 'at+jwt', kid })}.e30.sig`;

        expect(() => verifier.verify(token)).toThrow(unknownKey);
      },
    );

    it('refuses an unknown kid over asymmetric keys', () => {
      const ec = asymmetricKeys('ES256', 'ec-known');
      const token = `${base64url({ alg: 'ES256', typ: 'at+jwt', kid: 'ec-unknown' })}.e30.sig`;

      expect(() => verifierOver(ec, { algorithm: 'ES256' }).verify(token)).toThrow(unknownKey);
    });
  });
});
