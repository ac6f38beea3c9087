import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  createUser,
  login,
  loginAdmin,
  registerUser,
  type TestUser,
  uniqueEmail,
} from './factories/user.factory.js';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/test-app.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('users', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('own profile', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createUser(t.http);
    });

    it('GET /users/me returns the profile', async () => {
      const response = await t.http.get('/users/me').set(bearer(user.accessToken)).expect(200);
      expect(response.body).toMatchObject({ id: user.id, email: user.email, roles: ['user'] });
      expect(response.body).not.toHaveProperty('passwordHash');
    });

    it('GET /users/me answers the same bytes as the registration: fields, order, ISO dates', async () => {
      const registered = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: 'a long enough password', displayName: 'Ada' })
        .expect(201);
      const token = await login(t.http, registered.body.email, 'a long enough password');
      const me = await t.http.get('/users/me').set(bearer(token)).expect(200);
      expect(me.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(me.text).toBe(registered.text);
      expect(Object.keys(me.body)).toEqual([
        'id',
        'email',
        'displayName',
        'roles',
        'disabled',
        'emailVerified',
        'createdAt',
      ]);
      expect(me.body).toEqual({
        id: registered.body.id,
        email: registered.body.email,
        displayName: 'Ada',
        roles: ['user'],
        disabled: false,
        emailVerified: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    });

    it('GET /users/me answers 404 not_found once the account is gone behind the token', async () => {
      const user = await createUser(t.http);
      // Deleted without the API, so no session was revoked: the token still verifies.
      await t.app.get(DataSource).query('DELETE FROM users WHERE id = $1', [user.id]);
      const response = await t.http.get('/users/me').set(bearer(user.accessToken)).expect(404);
      expect(response.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    });

    it('PATCH /users/me changes the display name (trimmed)', async () => {
      const response = await t.http
        .patch('/users/me')
        .set(bearer(user.accessToken))
        .send({ displayName: '  Grace Hopper ' })
        .expect(200);
      expect(response.body.displayName).toBe('Grace Hopper');
      const again = await t.http.get('/users/me').set(bearer(user.accessToken)).expect(200);
      expect(again.body.displayName).toBe('Grace Hopper');
    });

    it.each([
      ['roles', { roles: ['admin'] }],
      ['email', { email: 'other@example.com' }],
      ['an empty display name', { displayName: '   ' }],
      ['a display name over 100 characters', { displayName: 'n'.repeat(101) }],
      ['a display name with control characters', { displayName: 'x\u0000y' }],
    ])('PATCH /users/me rejects %s with 400', async (_label, body) => {
      const response = await t.http
        .patch('/users/me')
        .set(bearer(user.accessToken))
        .send(body)
        .expect(400);
      expect(response.body.code).toBe('validation_failed');
      const me = await t.http.get('/users/me').set(bearer(user.accessToken)).expect(200);
      expect(me.body.roles).toEqual(['user']);
    });
  });

  describe('POST /users/me/password', () => {
    it('changes the password: the new one signs in, the old one no longer does', async () => {
      const user = await createUser(t.http);
      await t.http
        .post('/users/me/password')
        .set(bearer(user.accessToken))
        .send({ currentPassword: user.password, newPassword: 'a brand new passphrase' })
        .expect(204);
      await login(t.http, user.email, 'a brand new passphrase');
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
    });

    it('answers a wrong current password with 403 invalid_current_password (not 401)', async () => {
      const user = await createUser(t.http);
      const response = await t.http
        .post('/users/me/password')
        .set(bearer(user.accessToken))
        .send({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' })
        .expect(403);
      expect(response.body.code).toBe('invalid_current_password');
      expect(response.headers['www-authenticate']).toBeUndefined();
      await login(t.http, user.email, user.password);
    });

    it('rejects a new password under 12 characters with 400', async () => {
      const user = await createUser(t.http);
      const response = await t.http
        .post('/users/me/password')
        .set(bearer(user.accessToken))
        .send({ currentPassword: user.password, newPassword: 'short' })
        .expect(400);
      expect(response.body.details[0].field).toBe('newPassword');
    });
  });

  describe('admin routes', () => {
    const adminRoutes = (id: string) =>
      [
        ['get', '/users'],
        ['get', `/users/${id}`],
        ['patch', `/users/${id}`],
        ['delete', `/users/${id}`],
      ] as const;

    it('refuse a request without a token with 401 and the Bearer challenge', async () => {
      const { id } = await registerUser(t.http);
      for (const [method, path] of adminRoutes(id)) {
        const response = await t.http[method](path).send({}).expect(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
      }
    });

    it('refuse a signed-in user without the admin role with 403 insufficient_role', async () => {
      const user = await createUser(t.http);
      for (const [method, path] of adminRoutes(user.id)) {
        const response = await t.http[method](path)
          .set(bearer(user.accessToken))
          .send({})
          .expect(403);
        expect(response.body.code).toBe('insufficient_role');
        expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      }
      await t.http.get('/users/me').set(bearer(user.accessToken)).expect(200);
    });

    it('GET /users pages through every user', async () => {
      for (let i = 0; i < 3; i++) await registerUser(t.http);
      const first = await t.http.get('/users?page=1&limit=2').set(bearer(adminToken)).expect(200);
      expect(first.body).toMatchObject({ page: 1, limit: 2, total: expect.any(Number) });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.total).toBeGreaterThanOrEqual(4);
      const second = await t.http.get('/users?page=2&limit=2').set(bearer(adminToken)).expect(200);
      const ids = [...first.body.items, ...second.body.items].map(
        (item: { id: string }) => item.id,
      );
      expect(new Set(ids).size).toBe(ids.length);
      const everyone = await t.http.get(`/users?limit=100`).set(bearer(adminToken)).expect(200);
      expect(everyone.body.items).toHaveLength(Math.min(everyone.body.total, 100));
      expect(everyone.body.items.map((item: { email: string }) => item.email)).toContain(
        TEST_ADMIN.email,
      );
    });

    it.each(['page=0', 'limit=0', 'limit=101', 'page=abc'])(
      'GET /users?%s is 400',
      async (query) => {
        const response = await t.http.get(`/users?${query}`).set(bearer(adminToken)).expect(400);
        expect(response.body.code).toBe('validation_failed');
      },
    );

    it('GET /users/:id: 200 for a user, 404 unknown, 400 malformed', async () => {
      const { id, email } = await registerUser(t.http);
      const found = await t.http.get(`/users/${id}`).set(bearer(adminToken)).expect(200);
      expect(found.body.email).toBe(email);
      // The same bytes as the entity-built answer of PATCH, for a disabled user too.
      const patched = await t.http
        .patch(`/users/${id}`)
        .set(bearer(adminToken))
        .send({ disabled: true, displayName: 'Gone' })
        .expect(200);
      const again = await t.http.get(`/users/${id}`).set(bearer(adminToken)).expect(200);
      expect(again.body).toMatchObject({ disabled: true, displayName: 'Gone' });
      expect(again.text).toBe(patched.text);
      const missing = await t.http
        .get(`/users/${randomUUID()}`)
        .set(bearer(adminToken))
        .expect(404);
      expect(missing.body.code).toBe('not_found');
      const malformed = await t.http.get('/users/not-a-uuid').set(bearer(adminToken)).expect(400);
      expect(malformed.body.code).toBe('validation_failed');
    });

    it('PATCH /users/:id grants a role, which the next token carries', async () => {
      const user = await createUser(t.http);
      const response = await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(adminToken))
        .send({ roles: ['user', 'admin'], displayName: 'Promoted' })
        .expect(200);
      expect(response.body).toMatchObject({ roles: ['user', 'admin'], displayName: 'Promoted' });
      const promoted = await login(t.http, user.email, user.password);
      await t.http.get('/users').set(bearer(promoted)).expect(200);
    });

    it.each([
      ['an unknown role', { roles: ['superuser'] }],
      ['no roles at all', { roles: [] }],
      ['a non-boolean disabled', { disabled: 'yes' }],
      ['null roles', { roles: null }],
      ['a null disabled', { disabled: null }],
      ['a display name with a NUL character', { displayName: 'a\u0000b' }],
      ['an unknown property', { passwordHash: 'x' }],
    ])('PATCH /users/:id rejects %s with 400', async (_label, body) => {
      const { id } = await registerUser(t.http);
      const response = await t.http
        .patch(`/users/${id}`)
        .set(bearer(adminToken))
        .send(body)
        .expect(400);
      expect(response.body.code).toBe('validation_failed');
    });

    it('PATCH /users/:id disables sign-in with the same 401 as a wrong password, and re-enables it', async () => {
      const user = await registerUser(t.http);
      const disabled = await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(adminToken))
        .send({ disabled: true })
        .expect(200);
      expect(disabled.body.disabled).toBe(true);
      const refused = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      expect(refused.body.code).toBe('invalid_credentials');
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(adminToken))
        .send({ disabled: false })
        .expect(200);
      await login(t.http, user.email, user.password);
    });

    it('DELETE /users/:id removes the account: 204, then 404, and it can no longer sign in', async () => {
      const user = await registerUser(t.http);
      await t.http.delete(`/users/${user.id}`).set(bearer(adminToken)).expect(204);
      await t.http.get(`/users/${user.id}`).set(bearer(adminToken)).expect(404);
      await t.http.delete(`/users/${user.id}`).set(bearer(adminToken)).expect(404);
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
    });

    it('refuses to let an administrator lock themselves out (409 self_lockout)', async () => {
      const session = await t.http.get('/auth/session').set(bearer(adminToken)).expect(200);
      const self = session.body.userId;
      for (const body of [{ disabled: true }, { roles: ['user'] }]) {
        const response = await t.http
          .patch(`/users/${self}`)
          .set(bearer(adminToken))
          .send(body)
          .expect(409);
        expect(response.body.code).toBe('self_lockout');
      }
      await t.http.delete(`/users/${self}`).set(bearer(adminToken)).expect(409);
      await t.http.get('/users').set(bearer(adminToken)).expect(200);
    });
  });
});
