import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import jsonwebtoken from 'jsonwebtoken';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import type { jwtConfig } from '../../config/jwt.config.js';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { AccessTokenService } from '../../tokens/access-token.service.js';
import { RevokedSessions } from '../../tokens/revoked-sessions.js';
import { SigningKeys } from '../../tokens/signing-keys.js';
import { Public } from '../decorators/public.decorator.js';
import { JwtStrategy } from '../strategies/jwt.strategy.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

@Public()
class PublicController {
  status() {}
}

class MixedController {
  @Public()
  login() {}

  me() {}
}

type Controller = { prototype: object; name: string };

function contextFor(controller: Controller, handler: string, request: object): ExecutionContext {
  return {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

/** The response body of the UnauthorizedException `fn` throws; fails the test otherwise. */
function unauthorizedBody(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedException);
    return (error as UnauthorizedException).getResponse();
  }
  throw new Error('expected an UnauthorizedException');
}

describe('JwtAuthGuard', () => {
  const guard = new JwtAuthGuard(new Reflector());

  describe('canActivate on @Public() routes', () => {
    it('allows a handler of a @Public() controller without authenticating', () => {
      expect(guard.canActivate(contextFor(PublicController, 'status', {}))).toBe(true);
    });

    it('allows a @Public() handler without authenticating', () => {
      expect(guard.canActivate(contextFor(MixedController, 'login', {}))).toBe(true);
    });
  });

  describe('handleRequest', () => {
    const user = { userId: 'u-1', roles: ['user'] };

    it('returns the user passport authenticated', () => {
      expect(guard.handleRequest(null, user, undefined)).toBe(user);
    });

    it('maps an expired token to 401 token_expired', () => {
      const expired = new jsonwebtoken.TokenExpiredError('jwt expired', new Date());

      expect(unauthorizedBody(() => guard.handleRequest(null, false, expired))).toEqual({
        code: 'token_expired',
        message: 'The access token has expired',
      });
    });

    it('maps an expired token passed as the error (not the info) the same way', () => {
      const expired = new jsonwebtoken.TokenExpiredError('jwt expired', new Date());

      expect(unauthorizedBody(() => guard.handleRequest(expired, false, undefined))).toMatchObject({
        code: 'token_expired',
      });
    });

    it("maps passport-jwt's missing token to 401 missing_token", () => {
      expect(
        unauthorizedBody(() => guard.handleRequest(null, false, new Error('No auth token'))),
      ).toMatchObject({ code: 'missing_token' });
    });

    it.each<[string, unknown, unknown]>([
      ['a bad signature', null, new jsonwebtoken.JsonWebTokenError('invalid signature')],
      ['an error from the strategy', new Error('unknown signing key'), undefined],
      ['no error and no info', null, undefined],
      ['a non-Error info', null, 'something odd'],
    ])('maps %s to 401 invalid_token', (_case, error, info) => {
      expect(unauthorizedBody(() => guard.handleRequest(error, false, info))).toEqual({
        code: 'invalid_token',
        message: 'The access token is invalid',
      });
    });
  });

  describe('canActivate with the real JwtStrategy', () => {
    // ES256, the default JWT_ALG: an in-memory key pair, as readKeyFiles would load it.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keys = new SigningKeys({
      kid: '20250101T000000Z-es256',
      algorithm: 'ES256',
      key: privateKey,
      verifyKey: publicKey,
    });
    const config: ConfigType<typeof jwtConfig> = {
      algorithm: 'ES256',
      secret: undefined,
      previousSecrets: [],
      keysDir: './data/keys',
      signingKid: undefined,
      issuer: 'sentinel',
      audience: 'sentinel-api',
      clockToleranceSeconds: 0,
      accessTokenTtlSeconds: 900,
      dataDir: './data',
      isProduction: false,
    };
    const revoked = new RevokedSessions(
      null as never,
      { revocationRetentionSeconds: 900 } as never,
    );
    const accessTokens = new AccessTokenService(new JwtService({}), keys, config);
    const verifier = new AccessTokenVerifier(keys, {
      ...config,
      isRevoked: (sessionId) => revoked.has(sessionId),
    });
    const SESSION = '5f0c2a8e-0d7b-4c39-9a51-3e2b8f6d1c40';
    // Registers itself with passport as 'jwt', as it does when Nest instantiates it.
    new JwtStrategy(verifier);

    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

    it('authenticates a valid access token and puts its claims on the request', async () => {
      const issued = accessTokens.issue({ id: 'user-42', roles: ['admin'] }, SESSION);
      const request: { headers: object; user?: unknown } = bearer(issued.token);

      await expect(guard.canActivate(contextFor(MixedController, 'me', request))).resolves.toBe(
        true,
      );
      expect(request.user).toMatchObject({
        userId: 'user-42',
        roles: ['admin'],
        tokenId: issued.claims.tokenId,
      });
    });

    it('answers a request without a token with 401 missing_token', async () => {
      const request = { headers: {} };

      await expect(guard.canActivate(contextFor(MixedController, 'me', request))).rejects.toThrow(
        UnauthorizedException,
      );
      await expect(
        guard.canActivate(contextFor(MixedController, 'me', request)),
      ).rejects.toMatchObject({ response: { code: 'missing_token' } });
    });

    it('answers an expired token with 401 token_expired', async () => {
      const expired = jsonwebtoken.sign({ roles: ['user'], sid: SESSION }, keys.signing.key, {
        algorithm: 'ES256',
        keyid: keys.signing.kid,
        header: { alg: 'ES256', typ: 'at+jwt' },
        subject: 'user-42',
        issuer: config.issuer,
        audience: config.audience,
        jwtid: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
        expiresIn: -60,
      });

      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer(expired))),
      ).rejects.toMatchObject({ response: { code: 'token_expired' } });
    });

    it('answers a malformed token with 401 invalid_token', async () => {
      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer('not.a.jwt'))),
      ).rejects.toMatchObject({ response: { code: 'invalid_token' } });
    });

    it('answers a token of a revoked session with 401 token_revoked', async () => {
      const session = 'e3a9c7d1-2b4f-4a6e-8c0d-5f1b3a7e9d20';
      const { token } = accessTokens.issue({ id: 'user-42', roles: ['user'] }, session);
      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer(token))),
      ).resolves.toBe(true);

      revoked.add([session]);

      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer(token))),
      ).rejects.toMatchObject({ response: { code: 'token_revoked' } });
    });

    it('answers a token under an unknown kid with 401 invalid_token', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const token = new AccessTokenService(
        new JwtService({}),
        new SigningKeys({
          kid: 'somebody-else',
          algorithm: 'ES256',
          key: other.privateKey,
          verifyKey: other.publicKey,
        }),
        config,
      ).issue({ id: 'user-42', roles: ['admin'] }, SESSION).token;

      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer(token))),
      ).rejects.toMatchObject({ response: { code: 'invalid_token' } });
    });

    it('answers an HS256 token signed with the public key PEM with 401 invalid_token', async () => {
      const pem = publicKey.export({ type: 'spki', format: 'pem' });
      const token = jsonwebtoken.sign(
        { roles: ['admin'], sid: SESSION },
        createSecretKey(Buffer.from(pem)),
        {
          algorithm: 'HS256',
          keyid: keys.signing.kid,
          header: { alg: 'HS256', typ: 'at+jwt' },
          subject: 'user-42',
          issuer: config.issuer,
          audience: config.audience,
          jwtid: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
          expiresIn: 600,
        },
      );

      await expect(
        guard.canActivate(contextFor(MixedController, 'me', bearer(token))),
      ).rejects.toMatchObject({ response: { code: 'invalid_token' } });
    });
  });
});
