import { CreateUsers1795330000000 } from '../../migrations/1795330000000-CreateUsers.js';
import { CreateSessions1795340000000 } from '../../migrations/1795340000000-CreateSessions.js';
import { CreateProjects1795350000000 } from '../../migrations/1795350000000-CreateProjects.js';

/**
 * Every migration, in order. Listed by hand rather than globbed so the same list works from
 * compiled code and under jest; add each new file from `migrations/` here.
 */
export const MIGRATIONS = [
  CreateUsers1795330000000,
  CreateSessions1795340000000,
  CreateProjects1795350000000,
];
