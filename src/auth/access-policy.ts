import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { Role } from '../users/role.js';
import type { Scope } from '../users/scopes.js';
import type { AuthUser } from './auth-user.js';

/**
 * Row-level access for resources that belong to a user: the owner, or an administrator.
 *
 * Use `ownerScope(user)` in the `where` of every query for a single resource, so a resource of
 * someone else is simply not found: 404, the same answer as for one that does not exist, which
 * reveals nothing. Roles gate whole routes (`@Roles`, 403); ownership gates rows (404).
 */
export function ownerScope(user: AuthUser): { ownerId?: string } {
  return isAdmin(user) || isServiceAccount(user) ? {} : { ownerId: user.userId };
}

export const isAdmin = (user: AuthUser) => user.roles.includes('admin');

/**
 * A service token: no user behind it, so it owns no rows; the scopes an administrator gave it
 * reach every row (an API key, by contrast, acts as its owner).
 */
export const isServiceAccount = (user: AuthUser) => user.principal === 'client';

/** The 404 for a resource that does not exist or is not the caller's. */
export function notFound(resource: string): NotFoundException {
  return new NotFoundException({ code: ErrorCode.NotFound, message: `${resource} not found` });
}

/** The same 403 as `@Roles`, for a check that depends on the request (a query parameter, say). */
export function insufficientRole(roles: Role[]): ForbiddenException {
  return new ForbiddenException({
    code: ErrorCode.InsufficientRole,
    message: `This operation requires the role ${roles.join(' or ')}`,
  });
}

/** Throws that 403 unless the caller holds one of `roles`. */
export function requireRole(user: AuthUser, ...roles: Role[]): void {
  if (!roles.some((role) => user.roles.includes(role))) throw insufficientRole(roles);
}

/**
 * The 403 for a caller without a scope the route needs (RFC 6750 §3.1): the challenge names the
 * scopes (`scope="projects:write"`). With no scopes: a route that only a signed-in user may use,
 * refused to an API key or a service account, which no scope would let in.
 */
export function insufficientScope(scopes: readonly Scope[]): ForbiddenException {
  return new ForbiddenException({
    code: ErrorCode.InsufficientScope,
    message:
      scopes.length > 0
        ? `This operation requires the scope ${scopes.join(' and ')}`
        : 'This operation is for signed-in users, not API keys or service accounts',
    details: { requiredScopes: [...scopes] },
  });
}
