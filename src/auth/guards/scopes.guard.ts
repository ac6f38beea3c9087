import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { scopesOfRoles } from '../../users/scopes.js';
import { insufficientScope } from '../access-policy.js';
import type { AuthUser } from '../auth-user.js';
import { requiredScopes } from '../auth-metadata.js';

/**
 * Global guard after `RolesGuard`: enforces `@Scopes(...)` (every scope named). API keys and
 * service tokens carry only their scopes, so they pass only routes that declare scopes they
 * hold; a route without `@Scopes` is for signed-in users (403 `insufficient_scope` to a machine,
 * which no scope would let in: an API key must not mint keys or read sessions).
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    // A public route: nobody was authenticated, nothing to check.
    if (!user) return true;
    const scopes = requiredScopes(this.reflector, [context.getHandler(), context.getClass()]);
    if (scopes.length === 0) {
      if (user.principal === undefined) return true;
      throw insufficientScope([]);
    }
    const held = user.scopes ?? scopesOfRoles(user.roles);
    if (scopes.every((scope) => held.includes(scope))) return true;
    throw insufficientScope(scopes);
  }
}
