import type { Reflector } from '@nestjs/core';
import type { Role } from '../users/role.js';
import { IS_PUBLIC_KEY } from './decorators/public.decorator.js';
import { AUTH_LEVEL_KEY, type AuthLevel } from './decorators/require-auth-level.decorator.js';
import { ROLES_KEY } from './decorators/roles.decorator.js';
import { SCOPES_KEY } from './decorators/scopes.decorator.js';
import type { Scope } from '../users/scopes.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Targets = [handler: Function, controller: Function];

/**
 * How a route is protected, read the same way by the guards and by the OpenAPI document, so the
 * documentation cannot disagree with what is enforced. A handler's metadata overrides its class's.
 */
export function isPublicRoute(reflector: Reflector, targets: Targets): boolean {
  return reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true;
}

export function requiredRoles(reflector: Reflector, targets: Targets): Role[] {
  return reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
}

export function requiredScopes(reflector: Reflector, targets: Targets): Scope[] {
  return reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
}

export function requiredAuthLevel(reflector: Reflector, targets: Targets): AuthLevel | undefined {
  return reflector.getAllAndOverride<AuthLevel>(AUTH_LEVEL_KEY, targets);
}
