import type { Role } from './role.js';

/**
 * Every scope the API knows: what an access token, an API key or a service account may do
 * (`@Scopes(...)` on a route). Listed in the RFC 8414 metadata (`scopes_supported`).
 */
export const SCOPES = [
  'projects:read',
  'projects:write',
  'users:admin',
  'tokens:introspect',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What each role grants: the one table of it (README "Machine clients"). A user's access token
 * works with every scope of its roles; an API key with those it names that its owner still has.
 * `tokens:introspect` is no role's: only a service account (`POST /clients`) introspects.
 */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  user: ['projects:read', 'projects:write'],
  admin: ['projects:read', 'projects:write', 'users:admin'],
};

export const isScope = (value: string): value is Scope =>
  (SCOPES as readonly string[]).includes(value);

/** The union of the roles' scopes, in the order of `SCOPES`. */
export function scopesOfRoles(roles: readonly string[]): Scope[] {
  const granted = new Set(roles.flatMap((role) => ROLE_SCOPES[role as Role] ?? []));
  return SCOPES.filter((scope) => granted.has(scope));
}
