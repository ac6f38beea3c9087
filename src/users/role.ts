/** Roles a user can hold. `user` is every account's default; `admin` manages users. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
