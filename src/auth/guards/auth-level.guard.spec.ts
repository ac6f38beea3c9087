import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth-user.js';
import { AUTH_LEVEL_KEY, type AuthLevel } from '../decorators/require-auth-level.decorator.js';
import { AuthLevelGuard, missingAuthLevel } from './auth-level.guard.js';

const user = (overrides: Partial<AuthUser> = {}): AuthUser => ({
  userId: 'u',
  sessionId: 's',
  roles: ['user'],
  tokenId: 't',
  issuedAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
  ...overrides,
});

function contextFor(level: AuthLevel | undefined, principal?: AuthUser): ExecutionContext {
  const handler = () => undefined;
  if (level) Reflect.defineMetadata(AUTH_LEVEL_KEY, level, handler);
  return {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => ({ user: principal }) }),
  } as unknown as ExecutionContext;
}

describe('AuthLevelGuard', () => {
  const guard = new AuthLevelGuard(new Reflector());

  it('lets every route without @RequireAuthLevel through', () => {
    expect(guard.canActivate(contextFor(undefined, user()))).toBe(true);
  });

  it('checks mfa in amr and auth_time against max age', () => {
    const now = Date.now();
    const recent = user({ amr: ['pwd', 'otp', 'mfa'], authTime: new Date(now - 10_000) });
    expect(missingAuthLevel(recent, { mfa: true, maxAgeSeconds: 300 }, now)).toEqual({
      mfa: false,
      maxAge: false,
    });
    const old = user({ amr: ['pwd'], authTime: new Date(now - 301_000) });
    expect(missingAuthLevel(old, { mfa: true, maxAgeSeconds: 300 }, now)).toEqual({
      mfa: true,
      maxAge: true,
    });
  });

  it('never lets a principal without auth_time (API key, service token) meet a requirement', () => {
    const machine = user({ amr: ['mfa'], principal: 'api_key' });
    expect(missingAuthLevel(machine, { mfa: true, maxAgeSeconds: 300 })).toEqual({
      mfa: true,
      maxAge: true,
    });
  });

  it('throws 401 insufficient_user_authentication with what the route requires', () => {
    const old = user({ amr: ['pwd'], authTime: new Date(Date.now() - 600_000) });
    let thrown: unknown;
    try {
      guard.canActivate(contextFor({ mfa: true, maxAgeSeconds: 300 }, old));
    } catch (error) {
      thrown = error;
    }
    const response = (thrown as { getStatus(): number; getResponse(): object }).getResponse();
    expect((thrown as { getStatus(): number }).getStatus()).toBe(401);
    expect(response).toMatchObject({
      code: 'insufficient_user_authentication',
      details: { acrValues: 'mfa', maxAge: 300 },
    });
  });
});
