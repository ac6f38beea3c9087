import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth-user.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import { ScopesGuard } from './scopes.guard.js';

@Scopes('projects:read')
class ProjectsController {
  list() {}

  @Scopes('projects:read', 'projects:write')
  update() {}
}

class ProfileController {
  me() {}
}

type Controller = { prototype: object };

function contextFor(controller: Controller, handler: string, user?: AuthUser): ExecutionContext {
  return {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  } as unknown as ExecutionContext;
}

const base = {
  userId: 'u',
  sessionId: 's',
  tokenId: 't',
  issuedAt: new Date(),
  expiresAt: new Date(Date.now() + 60_000),
};
const user = (roles: AuthUser['roles'], scopes?: string[]): AuthUser => ({
  ...base,
  roles,
  scopes,
});
const apiKey = (scopes: string[]): AuthUser => ({
  ...base,
  roles: [],
  scopes,
  principal: 'api_key',
});

describe('ScopesGuard', () => {
  const guard = new ScopesGuard(new Reflector());
  const refusal = (context: ExecutionContext) => {
    try {
      guard.canActivate(context);
    } catch (error) {
      return error as ForbiddenException;
    }
    throw new Error('expected a 403');
  };

  it('lets a user through with the scopes of their roles, even without a scopes claim', () => {
    expect(guard.canActivate(contextFor(ProjectsController, 'update', user(['user'])))).toBe(true);
  });

  it('requires every scope named, a handler’s list overriding its class’s', () => {
    const context = contextFor(ProjectsController, 'update', apiKey(['projects:read']));
    expect(refusal(context).getResponse()).toMatchObject({
      code: 'insufficient_scope',
      details: { requiredScopes: ['projects:read', 'projects:write'] },
    });
    expect(
      guard.canActivate(contextFor(ProjectsController, 'list', apiKey(['projects:read']))),
    ).toBe(true);
  });

  it('refuses machine principals on routes that name no scope, and lets users through', () => {
    const context = contextFor(ProfileController, 'me', apiKey(['projects:read']));
    expect(refusal(context).getResponse()).toMatchObject({
      code: 'insufficient_scope',
      details: { requiredScopes: [] },
    });
    expect(guard.canActivate(contextFor(ProfileController, 'me', user(['user'])))).toBe(true);
  });

  it('leaves public routes (no principal) alone', () => {
    expect(guard.canActivate(contextFor(ProjectsController, 'update'))).toBe(true);
  });
});
