import { Controller, Get, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import passport from 'passport';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Public } from '../src/auth/decorators/public.decorator.js';
import type { Role } from '../src/users/role.js';
import { bearer } from './factories/session.factory.js';
import { createUser, loginAdmin } from './factories/user.factory.js';
import { decodeToken, forgeWithAppSecret, hmacToken } from './support/jwt.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * What a team writes to add a strategy (docs/adding-a-strategy.md), none of it in src/auth: a
 * Passport strategy reading a service key from a header, a module registering it, and its name
 * in AUTH_STRATEGIES.
 */
const SERVICE_KEYS: Record<string, Role[]> = {
  [randomBytes(24).toString('base64url')]: ['admin'],
  [randomBytes(24).toString('base64url')]: ['user'],
};
const [ADMIN_KEY, USER_KEY] = Object.keys(SERVICE_KEYS);

type Verified = (error: Error | null, principal?: AuthUser | false, info?: unknown) => void;

/** A minimal Passport strategy: `X-Service-Key: <key>`. */
class HeaderKeyStrategy extends passport.Strategy {
  constructor(private readonly check: (key: string, done: Verified) => void) {
    super();
  }

  override authenticate(request: { headers: IncomingHttpHeaders }): void {
    const key = request.headers['x-service-key'];
    // No key of ours on this request: let the next strategy (or the 401) have it.
    if (typeof key !== 'string') return this.fail();
    this.check(key, (error, principal, info) => {
      if (error) this.error(error);
      else if (principal) this.success(principal);
      else this.fail(info as string | undefined);
    });
  }
}

@Injectable()
class ServiceKeyStrategy extends PassportStrategy(HeaderKeyStrategy, 'service-key') {
  validate(key: string): AuthUser | false {
    const roles = SERVICE_KEYS[key];
    if (!roles) return false;
    const now = Date.now();
    return {
      userId: `service:${roles[0]}`,
      sessionId: `service-key:${roles[0]}`,
      roles,
      tokenId: 'service-key',
      issuedAt: new Date(now),
      expiresAt: new Date(now + 60_000),
    };
  }
}

/** A public route guarded by @nestjs/passport's own AuthGuard('jwt'), as teams write it. */
@Controller('probe')
class ProbeController {
  @Public()
  @UseGuards(AuthGuard('jwt'))
  @Get('passport-jwt')
  whoAmI(@Req() request: { user: AuthUser }): { userId: string; roles: string[] } {
    return { userId: request.user.userId, roles: [...request.user.roles] };
  }
}

@Module({ providers: [ServiceKeyStrategy], controllers: [ProbeController] })
class ServiceKeysModule {}

describe('Passport strategies: a team’s own strategy in the global guard, and AuthGuard("jwt")', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { AUTH_STRATEGIES: 'jwt,service-key' },
      { modules: [ServiceKeysModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a request the team’s strategy accepts reaches a protected route as that principal', async () => {
    const response = await t.http.get('/auth/session').set('x-service-key', ADMIN_KEY).expect(200);
    expect(response.body).toMatchObject({
      userId: 'service:admin',
      sessionId: 'service-key:admin',
      roles: ['admin'],
    });
  });

  it('@Roles applies to that principal: 2xx with the role, 403 insufficient_role without', async () => {
    await t.http.get('/users').set('x-service-key', ADMIN_KEY).expect(200);
    const refused = await t.http.get('/users').set('x-service-key', USER_KEY).expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'insufficient_role' });
    expect(refused.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('bearer access tokens still work first in the list', async () => {
    const user = await createUser(t.http);
    const response = await t.http.get('/auth/session').set(bearer(user.accessToken)).expect(200);
    expect(response.body.userId).toBe(user.id);
  });

  it('a request no strategy accepts gets the same 401 as with jwt alone', async () => {
    const none = await t.http.get('/auth/session').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, code: 'missing_token' });
    expect(none.headers['www-authenticate']).toBe('Bearer realm="sentinel"');

    const wrongKey = await t.http
      .get('/auth/session')
      .set('x-service-key', 'not-a-key')
      .expect(401);
    expect(wrongKey.headers['www-authenticate']).toMatch(/^Bearer realm="sentinel"/);

    const admin = await loginAdmin(t.http);
    const { header, payload } = decodeToken(admin);
    const forged = hmacToken(header, payload, 'not the secret, but as long as one ought to be');
    const refused = await t.http
      .get('/users')
      .set(bearer(forged))
      .set('x-service-key', 'not-a-key')
      .expect(401);
    expect(refused.body).toMatchObject({ code: 'invalid_token' });
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('an expired bearer token is token_expired whatever the other strategies say', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = forgeWithAppSecret(t, await loginAdmin(t.http), {
      payload: { iat: now - 3600, exp: now - 1800 },
    });
    const response = await t.http.get('/auth/session').set(bearer(expired)).expect(401);
    expect(response.body).toMatchObject({ code: 'token_expired' });
  });

  it('@UseGuards(AuthGuard("jwt")) from @nestjs/passport authenticates a route with jwt', async () => {
    const user = await createUser(t.http);
    const response = await t.http
      .get('/probe/passport-jwt')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(response.body).toEqual({ userId: user.id, roles: ['user'] });

    // Its own strategy only: a service key is not a jwt, and no token is a 401, never a 403.
    await t.http.get('/probe/passport-jwt').set('x-service-key', ADMIN_KEY).expect(401);
    const none = await t.http.get('/probe/passport-jwt').expect(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="sentinel"/);
  });

  it('a logout ends the session for AuthGuard("jwt") routes too (the same revocation check)', async () => {
    const user = await createUser(t.http);
    await t.http.get('/probe/passport-jwt').set(bearer(user.accessToken)).expect(200);
    await t.http.post('/auth/logout').set(bearer(user.accessToken)).expect(204);
    await t.http.get('/probe/passport-jwt').set(bearer(user.accessToken)).expect(401);
  });
});
