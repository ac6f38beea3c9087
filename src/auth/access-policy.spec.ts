import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';
import { insufficientRole, isAdmin, notFound, ownerScope, requireRole } from './access-policy.js';

const user = (...roles: AuthUser['roles']): AuthUser => ({
  userId: '8a0d5a3e-1c7b-4f2e-9d6a-3b5c7e9f1a2b',
  sessionId: '1c7b4f2e-8a0d-4a3e-9d6a-3b5c7e9f1a2b',
  roles,
  tokenId: 'jti',
  issuedAt: new Date(),
  expiresAt: new Date(),
});

describe('access policy', () => {
  it('scopes a plain user to their own rows and an admin to none', () => {
    const plain = user('user');
    expect(ownerScope(plain)).toEqual({ ownerId: plain.userId });
    expect(ownerScope(user('user', 'admin'))).toEqual({});
    expect(isAdmin(plain)).toBe(false);
  });

  it('answers a missing or foreign resource with the same 404', () => {
    const error = notFound('Project');
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.getResponse()).toEqual({ code: 'not_found', message: 'Project not found' });
  });

  it('requireRole throws the 403 the roles guard throws, only when the role is missing', () => {
    expect(() => requireRole(user('user', 'admin'), 'admin')).not.toThrow();
    expect(() => requireRole(user('user'), 'admin')).toThrow(ForbiddenException);
    expect(insufficientRole(['admin']).getResponse()).toEqual({
      code: 'insufficient_role',
      message: 'This operation requires the role admin',
    });
  });
});
