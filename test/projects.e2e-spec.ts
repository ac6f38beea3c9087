import { randomUUID } from 'node:crypto';
import { bearer } from './factories/session.factory.js';
import { createUser, loginAdmin, type TestUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The template for a resource module's e2e test: 401, 403, 404 for non-owners, 2xx for owners. */
describe('projects: an example resource with ownership', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let admin: string;

  const create = (token: string, body: Record<string, unknown>) =>
    t.http.post('/projects').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    [owner, stranger] = [await createUser(t.http), await createUser(t.http)];
    admin = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('authentication and roles', () => {
    it('answers every route without a token with 401', async () => {
      const id = randomUUID();
      await t.http.post('/projects').send({ name: 'x' }).expect(401);
      await t.http.get('/projects').expect(401);
      await t.http.get(`/projects/${id}`).expect(401);
      await t.http.patch(`/projects/${id}`).send({ name: 'x' }).expect(401);
      await t.http.delete(`/projects/${id}`).expect(401);
    });

    it('answers a non-admin asking for someone else’s or every project with 403', async () => {
      for (const query of [`ownerId=${owner.id}`, 'all=true', 'all=false']) {
        const response = await t.http
          .get(`/projects?${query}`)
          .set(bearer(stranger.accessToken))
          .expect(403);
        expect(response.body.code).toBe('insufficient_role');
      }
    });
  });

  describe('as the owner', () => {
    it('creates (201), reads, updates and deletes (204) a project', async () => {
      const created = await create(owner.accessToken, {
        name: '  Apollo ',
        description: 'To the moon',
      }).expect(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        ownerId: owner.id,
        name: 'Apollo',
        description: 'To the moon',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;
      await t.http.get(`/projects/${id}`).set(bearer(owner.accessToken)).expect(200);
      const updated = await t.http
        .patch(`/projects/${id}`)
        .set(bearer(owner.accessToken))
        .send({ name: 'Artemis', description: null })
        .expect(200);
      expect(updated.body).toMatchObject({ name: 'Artemis', description: null });
      await t.http.delete(`/projects/${id}`).set(bearer(owner.accessToken)).expect(204);
      await t.http.get(`/projects/${id}`).set(bearer(owner.accessToken)).expect(404);
    });

    it('lists only the caller’s projects, paginated like /users', async () => {
      const user = await createUser(t.http);
      for (const name of ['a', 'b', 'c']) await create(user.accessToken, { name }).expect(201);
      await create(stranger.accessToken, { name: 'not yours' }).expect(201);
      const page = await t.http
        .get('/projects?page=1&limit=2')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(page.body).toMatchObject({ total: 3, page: 1, limit: 2 });
      expect(page.body.items.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
      const rest = await t.http
        .get('/projects?page=2&limit=2')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(rest.body.items.map((p: { name: string }) => p.name)).toEqual(['c']);
    });
  });

  describe('as someone else', () => {
    it('gets 404 for another user’s project on read, update and delete, and changes nothing', async () => {
      const { body } = await create(owner.accessToken, { name: 'Private' }).expect(201);
      for (const call of [
        () => t.http.get(`/projects/${body.id}`),
        () => t.http.patch(`/projects/${body.id}`).send({ name: 'Mine now' }),
        () => t.http.delete(`/projects/${body.id}`),
      ]) {
        const response = await call().set(bearer(stranger.accessToken)).expect(404);
        expect(response.body.code).toBe('not_found');
      }
      const still = await t.http
        .get(`/projects/${body.id}`)
        .set(bearer(owner.accessToken))
        .expect(200);
      expect(still.body.name).toBe('Private');
    });

    it('gets the same 404 for a project that does not exist', async () => {
      const response = await t.http
        .get(`/projects/${randomUUID()}`)
        .set(bearer(stranger.accessToken))
        .expect(404);
      expect(response.body.message).toBe('Project not found');
    });
  });

  describe('as an admin', () => {
    it('reads, updates and deletes anyone’s project, and lists by owner or all', async () => {
      const { body } = await create(owner.accessToken, { name: 'Audited' }).expect(201);
      await t.http.get(`/projects/${body.id}`).set(bearer(admin)).expect(200);
      await t.http
        .patch(`/projects/${body.id}`)
        .set(bearer(admin))
        .send({ name: 'Renamed' })
        .expect(200);
      const byOwner = await t.http
        .get(`/projects?ownerId=${owner.id}&limit=100`)
        .set(bearer(admin))
        .expect(200);
      expect(byOwner.body.items.every((p: { ownerId: string }) => p.ownerId === owner.id)).toBe(
        true,
      );
      expect(byOwner.body.items.map((p: { id: string }) => p.id)).toContain(body.id);
      const all = await t.http.get('/projects?all=true&limit=100').set(bearer(admin)).expect(200);
      expect(
        new Set(all.body.items.map((p: { ownerId: string }) => p.ownerId)).size,
      ).toBeGreaterThan(1);
      const own = await t.http.get('/projects').set(bearer(admin)).expect(200);
      expect(own.body.total).toBe(0);
      await t.http.delete(`/projects/${body.id}`).set(bearer(admin)).expect(204);
    });
  });

  describe('validation', () => {
    it.each([
      ['an ownerId in the body', { name: 'x', ownerId: randomUUID() }],
      ['a missing name', { description: 'no name' }],
      ['an empty name', { name: '   ' }],
      ['a name over 100 characters', { name: 'n'.repeat(101) }],
      ['a description over 2000 characters', { name: 'x', description: 'd'.repeat(2001) }],
      ['a name with a NUL character', { name: 'a\u0000b' }],
    ])('refuses %s with 400', async (_label, body) => {
      const response = await create(owner.accessToken, body).expect(400);
      expect(response.body.code).toBe('validation_failed');
    });

    it('refuses a null name on update, a malformed id, and bad list options with 400', async () => {
      const { body } = await create(owner.accessToken, { name: 'Valid' }).expect(201);
      await t.http
        .patch(`/projects/${body.id}`)
        .set(bearer(owner.accessToken))
        .send({ name: null })
        .expect(400);
      await t.http.get('/projects/not-a-uuid').set(bearer(owner.accessToken)).expect(400);
      await t.http.get('/projects?ownerId=nope').set(bearer(admin)).expect(400);
      await t.http.get('/projects?all=maybe').set(bearer(admin)).expect(400);
    });
  });

  it('deletes a user’s projects with the user (ON DELETE CASCADE)', async () => {
    const leaving = await createUser(t.http);
    const { body } = await create(leaving.accessToken, { name: 'Orphan?' }).expect(201);
    await t.http.delete(`/users/${leaving.id}`).set(bearer(admin)).expect(204);
    await t.http.get(`/projects/${body.id}`).set(bearer(admin)).expect(404);
  });
});
