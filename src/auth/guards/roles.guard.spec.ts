import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../../users/role.js';
import type { AuthUser } from '../auth-user.js';
import { Roles } from '../decorators/roles.decorator.js';
import { RolesGuard } from './roles.guard.js';

@Roles('admin')
class AdminController {
  list() {}

  @Roles('user')
  ownProfile() {}
}

class OpenController {
  list() {}

  @Roles('admin')
  purge() {}
}

@Roles('user', 'admin')
class MembersController {
  list() {}
}

type Controller = { prototype: object; name: string };

/** A fake HTTP ExecutionContext for `controller.handler` serving `request`. */
function contextFor(controller: Controller, handler: string, request: object): ExecutionContext {
  return {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function userWith(...roles: Role[]): AuthUser {
  return {
    userId: '6f1c2a9e-3b1d-4c1e-9a51-0d2b8f6a7c11',
    sessionId: '0d2b8f6a-7c11-4c1e-9a51-6f1c2a9e3b1d',
    roles,
    tokenId: 'c1f0e9d8-7b6a-4c3d-8e2f-1a0b9c8d7e6f',
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 900_000),
  };
}

/** The exception `fn` throws; fails the test when it returns. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets any request through a route without @Roles, even with no user', () => {
    expect(guard.canActivate(contextFor(OpenController, 'list', {}))).toBe(true);
  });

  it('lets a user holding the class-level role through', () => {
    const context = contextFor(AdminController, 'list', { user: userWith('user', 'admin') });

    expect(guard.canActivate(context)).toBe(true);
  });

  it('accepts any one of several required roles', () => {
    expect(
      guard.canActivate(contextFor(MembersController, 'list', { user: userWith('user') })),
    ).toBe(true);
  });

  it('refuses a user without the role with 403 insufficient_role', () => {
    const error = thrownBy(() =>
      guard.canActivate(contextFor(AdminController, 'list', { user: userWith('user') })),
    );

    expect(error).toBeInstanceOf(ForbiddenException);
    expect((error as ForbiddenException).getStatus()).toBe(403);
    expect((error as ForbiddenException).getResponse()).toEqual({
      code: 'insufficient_role',
      message: 'This operation requires the role admin',
    });
  });

  it('refuses a request with no user (403, not a crash)', () => {
    const error = thrownBy(() => guard.canActivate(contextFor(AdminController, 'list', {})));

    expect(error).toBeInstanceOf(ForbiddenException);
    expect((error as ForbiddenException).getResponse()).toMatchObject({
      code: 'insufficient_role',
    });
  });

  it('refuses a user with no roles at all', () => {
    const context = contextFor(AdminController, 'list', { user: userWith() });

    expect(() => guard.canActivate(context)).toThrow(ForbiddenException);
  });

  describe('method-level @Roles', () => {
    it("overrides the class's roles", () => {
      const userOnly = { user: userWith('user') };

      expect(guard.canActivate(contextFor(AdminController, 'ownProfile', userOnly))).toBe(true);
      expect(() => guard.canActivate(contextFor(AdminController, 'list', userOnly))).toThrow(
        ForbiddenException,
      );
    });

    it('protects one handler of an otherwise open controller', () => {
      const userOnly = { user: userWith('user') };

      expect(guard.canActivate(contextFor(OpenController, 'list', userOnly))).toBe(true);
      expect(() => guard.canActivate(contextFor(OpenController, 'purge', userOnly))).toThrow(
        ForbiddenException,
      );
      expect(
        guard.canActivate(contextFor(OpenController, 'purge', { user: userWith('admin') })),
      ).toBe(true);
    });
  });
});
