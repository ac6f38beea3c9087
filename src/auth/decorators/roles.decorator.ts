import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../users/role.js';

export const ROLES_KEY = 'auth:roles';

/** Requires the caller to hold at least one of `roles` (403 `insufficient_role` otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
