import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import jsonwebtoken from 'jsonwebtoken';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { jwtConfigFor } from '../../../test/support/jwt-config.js';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { AccessTokenService } from '../../tokens/access-token.service.js';
import { RevokedSessions } from '../../tokens/revoked-sessions.js';
import { SigningKeys } from '../../tokens/signing-keys.js';
import { Public } from '../decorators/public.decorator.js';
import { bearerToken } from '../strategies/bearer-token.js';
import { JwtStrategy } from '../strategies/jwt.strategy.js';
import { AuthenticationGuard } from './authentication.guard.js';

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

/** The response body of the UnauthorizedException `work` rejects with; fails the test otherwise. */
async function unauthorizedBody(work: Promise<unknown>): Promise<unknown> {
  const error = await work.then(
    () => undefined,
    (refusal: unknown) => refusal,
  );
  expect(error).toBeInstanceOf(UnauthorizedException);
  return (error as UnauthorizedException).getResponse();
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER  abc.def.ghi ', 'abc.def.ghi'],
    ['Bearer', null],
    ['Bearer ', null],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearerabc.def.ghi', null],
    ['Bearer a b', null],
    ['', null],
    [undefined, null],
  ])('reads %p as %p', (header, token) => {
    expect(bearerToken({ headers: { authorization: header } })).toBe(token);
  });
});

describe('AuthenticationGuard over the jwt strategy', () => {
  describe('canActivate', () => {
    // ES256, the default JWT_ALG: an in-memory key pair, as readKeyFiles would load it.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const keys = new SigningKeys({
      kid: '20250101T000000Z-es256',
      algorithm: 'ES256',
      key: privateKey,
      verifyKey: publicKey,
    });
    const config = jwtConfigFor({ clockToleranceSeconds: 0 });
    const revoked = new RevokedSessions(
      null as never,
      null as never,
      {
        accessTokenTtlSeconds: 900,
        clockToleranceSeconds: 0,
      } as never,
    );
    const accessTokens = new AccessTokenService(new JwtService({}), keys, config);
    const verifier = new AccessTokenVerifier(keys, {
      ...config,
      isRevoked: (sessionId) => revoked.has(sessionId),
    });
    const SESSION = '5f0c2a8e-0d7b-4c39-9a51-3e2b8f6d1c40';
    // Registers itself with Passport as 'jwt', as Nest does when it builds the provider.
    new JwtStrategy(verifier);
    const guard = new AuthenticationGuard(new Reflector(), { defaultStrategy: 'jwt' });
    const authenticate = async (request: object) =>
      guard.canActivate(contextFor(MixedController, 'me', request));

    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

    it('lets @Public() routes through without a token, by handler or by controller', () => {
      expect(guard.canActivate(contextFor(PublicController, 'status', { headers: {} }))).toBe(true);
      expect(guard.canActivate(contextFor(MixedController, 'login', { headers: {} }))).toBe(true);
    });

    it('refuses without capturing stack traces, and leaves the stack limit as it was', async () => {
      const limit = Error.stackTraceLimit;
      const refusal = await authenticate(bearer('not.a.jwt')).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(UnauthorizedException);
      expect((refusal as Error).stack?.split('\n')).toHaveLength(1);
      expect(Error.stackTraceLimit).toBe(limit);
      expect(new Error('elsewhere').stack?.split('\n').length).toBeGreaterThan(1);
    });

    it('authenticates a valid access token and puts its claims on the request', async () => {
      const issued = accessTokens.issue({ id: 'user-42', roles: ['admin'] }, SESSION);
      const request: { headers: object; user?: unknown } = bearer(issued.token);

      await expect(authenticate(request)).resolves.toBe(true);
      expect(request.user).toMatchObject({
        userId: 'user-42',
        roles: ['admin'],
        tokenId: issued.claims.tokenId,
      });
    });

    it('answers at once (no promise) for a token it verified before, asynchronously the first time', async () => {
      const { token } = accessTokens.issue({ id: 'user-7', roles: ['user'] }, SESSION);
      const first = guard.canActivate(contextFor(MixedController, 'me', bearer(token)));
      expect(first).toBeInstanceOf(Promise);
      await expect(first).resolves.toBe(true);

      const request: { headers: object; user?: unknown } = bearer(token);
      expect(guard.canActivate(contextFor(MixedController, 'me', request))).toBe(true);
      expect(request.user).toMatchObject({ userId: 'user-7' });
    });

    it('answers a request without a token with 401 missing_token', async () => {
      const request = { headers: {} };

      expect(await unauthorizedBody(authenticate(request))).toMatchObject({
        code: 'missing_token',
      });
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

      expect(await unauthorizedBody(authenticate(bearer(expired)))).toMatchObject({
        code: 'token_expired',
      });
    });

    it('answers a malformed token with 401 invalid_token', async () => {
      expect(await unauthorizedBody(authenticate(bearer('not.a.jwt')))).toMatchObject({
        code: 'invalid_token',
      });
    });

    it('answers a token of a revoked session with 401 token_revoked', async () => {
      const session = 'e3a9c7d1-2b4f-4a6e-8c0d-5f1b3a7e9d20';
      const { token } = accessTokens.issue({ id: 'user-42', roles: ['user'] }, session);
      await expect(authenticate(bearer(token))).resolves.toBe(true);

      revoked.add([session]);

      expect(await unauthorizedBody(authenticate(bearer(token)))).toMatchObject({
        code: 'token_revoked',
      });
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

      expect(await unauthorizedBody(authenticate(bearer(token)))).toMatchObject({
        code: 'invalid_token',
      });
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

      expect(await unauthorizedBody(authenticate(bearer(token)))).toMatchObject({
        code: 'invalid_token',
      });
    });
  });
});
