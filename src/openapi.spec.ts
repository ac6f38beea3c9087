import { operationId } from './openapi.js';

describe('operationId', () => {
  it.each([
    ['AuthController', 'login', 'auth_login'],
    ['UsersController', 'changePassword', 'users_change_password'],
    ['AdminUsersController', 'list', 'admin_users_list'],
    ['HealthController', 'check', 'health_check'],
    ['AdminUsersController', 'updateUserRoles', 'admin_users_update_user_roles'],
  ])('names %s.%s %p', (controller, method, expected) => {
    expect(operationId(controller, method)).toBe(expected);
  });
});
