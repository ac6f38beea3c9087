import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../auth-user.js';
import { requiredRoles } from '../auth-metadata.js';
import { insufficientRole } from '../access-policy.js';

/** Global guard after `JwtAuthGuard`: enforces `@Roles(...)` against the token's roles claim. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = requiredRoles(this.reflector, [context.getHandler(), context.getClass()]);
    if (roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user && roles.some((role) => user.roles.includes(role))) return true;
    throw insufficientRole(roles);
  }
}
