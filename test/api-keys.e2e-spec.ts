import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { Scopes } from '../src/auth/decorators/scopes.decorator.js';
import { createApp } from '../src/app.factory.js';
import { bearer } from './factories/session.factory.js';
import {
  createUser,
  login,
  loginAdmin,
  registerUser,
  type TestUser,
} from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A route that needs an administrator's scope, for keys of an owner who loses it. */
@Controller('probe')
class ScopeProbeController {
  @Scopes('users:admin')
  @Get('users-admin')
  usersAdmin(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ScopeProbeController] })
class ScopeProbeModule {}

const apiKey = (key: string) => ({ 'x-api-key': key });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createKey(
  http: TestAgent,
  accessToken: string,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string; expiresAt: string | null }> {
  const response = await http.post('/users/me/api-keys').set(bearer(accessToken)).send(body);
  expect(response.status).toBe(201);
  return response.body;
}

/** An administrator other than the bootstrap one, signed in (so it can be demoted). */
async function createAdminUser(t: TestApp, admin: string): Promise<TestUser> {
  const user = await registerUser(t.http);
  await t.http
    .patch(`/users/${user.id}`)
    .set(bearer(admin))
    .send({ roles: ['user', 'admin'] })
    .expect(200);
  return { ...user, accessToken: await login(t.http, user.email, user.password) };
}

describe('scopes and API keys', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({}, { modules: [ScopeProbeModule] });
    admin = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('@Scopes', () => {
    it('a user’s access token has the scopes of its roles', async () => {
      const user = await createUser(t.http);
      await t.http.post('/projects').set(bearer(user.accessToken)).send({ name: 'a' }).expect(201);
      await t.http.get('/projects').set(bearer(user.accessToken)).expect(200);
      const refused = await t.http
        .get('/probe/users-admin')
        .set(bearer(user.accessToken))
        .expect(403);
      expect(refused.body).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
      expect(refused.headers['www-authenticate']).toContain(
        'error="insufficient_scope", scope="users:admin"',
      );
      await t.http.get('/probe/users-admin').set(bearer(admin)).expect(200);
    });

    it('a key without the scope gets 403 insufficient_scope naming it (RFC 6750 §3)', async () => {
      const user = await createUser(t.http);
      const { key } = await createKey(t.http, user.accessToken, {
        name: 'read only',
        scopes: ['projects:read'],
      });
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      const refused = await t.http
        .post('/projects')
        .set(apiKey(key))
        .send({ name: 'x' })
        .expect(403);
      expect(refused.body).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
      expect(refused.headers['www-authenticate']).toMatch(
        /^Bearer realm="sentinel", error="insufficient_scope", scope="projects:write"/,
      );
    });
  });

  describe('creating, listing and deleting keys', () => {
    it('shows the key once, stores no secret it shows again, and lists it by prefix', async () => {
      const user = await createUser(t.http);
      const response = await t.http
        .post('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'CI deploy', scopes: ['projects:read', 'projects:write'] })
        .expect(201);
      const created = response.body;
      expect(Object.keys(created).sort()).toEqual(
        ['createdAt', 'expiresAt', 'id', 'key', 'name', 'prefix', 'scopes'].sort(),
      );
      expect(created.key).toMatch(/^snt_[A-Za-z0-9_-]{43}$/);
      expect(created.key.startsWith(created.prefix)).toBe(true);
      expect(created.prefix.length).toBeLessThan(20);
      expect(created).toMatchObject({ name: 'CI deploy', expiresAt: null });

      const listed = await t.http
        .get('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0]).toMatchObject({ id: created.id, prefix: created.prefix });
      expect(JSON.stringify(listed.body)).not.toContain(created.key);
      expect(listed.body[0]).not.toHaveProperty('key');
      expect(listed.body[0]).not.toHaveProperty('keyHash');

      const { rows } = await query(t, 'SELECT key_hash FROM api_keys WHERE id = $1', [created.id]);
      expect(rows[0].key_hash).not.toContain(created.key.slice(4, 20));
    });

    it('refuses scopes the owner does not have, unknown scopes, and a past expiry', async () => {
      const user = await createUser(t.http);
      const notHeld = await t.http
        .post('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'escalate', scopes: ['projects:read', 'users:admin'] })
        .expect(400);
      expect(notHeld.body).toMatchObject({ code: 'invalid_scope' });
      expect(notHeld.body.message).toContain('users:admin');
      for (const body of [
        { name: 'x', scopes: ['projects:everything'] },
        { name: 'x', scopes: [] },
        { name: 'x', scopes: 'projects:read' },
        { name: '', scopes: ['projects:read'] },
        { name: 'x', scopes: ['projects:read'], expiresAt: 'tomorrow' },
        { name: 'x', scopes: ['projects:read'], owner: 'someone' },
      ]) {
        const refused = await t.http
          .post('/users/me/api-keys')
          .set(bearer(user.accessToken))
          .send(body);
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('validation_failed');
      }
      const past = await t.http
        .post('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'x', scopes: ['projects:read'], expiresAt: new Date(Date.now() - 1000) })
        .expect(400);
      expect(past.body).toMatchObject({ code: 'validation_failed' });
      const admins = await createKey(t.http, admin, { name: 'ops', scopes: ['users:admin'] });
      await t.http.get('/probe/users-admin').set(apiKey(admins.key)).expect(200);
    });

    it('a deleted key is refused at once, even just after it was used (and cached)', async () => {
      const user = await createUser(t.http);
      const { id, key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read'],
      });
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      const other = await createUser(t.http);
      await t.http.delete(`/users/me/api-keys/${id}`).set(bearer(other.accessToken)).expect(404);
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      await t.http.delete(`/users/me/api-keys/${id}`).set(bearer(user.accessToken)).expect(204);
      const refused = await t.http.get('/projects').set(apiKey(key)).expect(401);
      expect(refused.body).toMatchObject({ code: 'invalid_token' });
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      await t.http.delete(`/users/me/api-keys/${id}`).set(bearer(user.accessToken)).expect(404);
    });

    it('administrators list and delete any user’s keys; others get 403', async () => {
      const user = await createUser(t.http);
      const { id, key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read'],
      });
      await t.http.get(`/users/${user.id}/api-keys`).set(bearer(user.accessToken)).expect(403);
      const listed = await t.http.get(`/users/${user.id}/api-keys`).set(bearer(admin)).expect(200);
      expect(listed.body.map((k: { id: string }) => k.id)).toEqual([id]);
      expect(JSON.stringify(listed.body)).not.toContain(key);
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      const stranger = await createUser(t.http);
      await t.http.delete(`/users/${stranger.id}/api-keys/${id}`).set(bearer(admin)).expect(404);
      await t.http.delete(`/users/${user.id}/api-keys/${id}`).set(bearer(admin)).expect(204);
      await t.http.get('/projects').set(apiKey(key)).expect(401);
      await t.http.get('/users/not-a-uuid/api-keys').set(bearer(admin)).expect(400);
    });

    it('creating and deleting keys are audited: who, which key, never the secret', async () => {
      const user = await createUser(t.http);
      const own = await createKey(t.http, user.accessToken, {
        name: 'mine',
        scopes: ['projects:read'],
      });
      const other = await createKey(t.http, user.accessToken, {
        name: 'theirs',
        scopes: ['projects:read'],
      });
      await t.http.delete(`/users/me/api-keys/${own.id}`).set(bearer(user.accessToken)).expect(204);
      await t.http.delete(`/users/${user.id}/api-keys/${other.id}`).set(bearer(admin)).expect(204);
      const adminId = (await t.http.get('/users/me').set(bearer(admin)).expect(200)).body.id;
      const events = async () => {
        const response = await t.http
          .get(`/audit-events?userId=${user.id}&limit=100`)
          .set(bearer(admin))
          .expect(200);
        return (response.body.items as { type: string; details: { keyId?: string } }[]).filter(
          (e) => e.type.startsWith('api_key'),
        );
      };
      // Written without waiting for the response: poll briefly.
      for (let i = 0; i < 50 && (await events()).length < 4; i++) await sleep(100);
      const trail = await events();
      const find = (type: string, keyId: string) =>
        trail.find((e) => e.type === type && e.details.keyId === keyId);
      expect(find('api_key_created', own.id)).toMatchObject({
        actorId: user.id,
        details: {
          name: 'mine',
          prefix: expect.stringMatching(/^snt_/),
          scopes: ['projects:read'],
        },
      });
      expect(find('api_key_deleted', own.id)).toMatchObject({ actorId: user.id });
      expect(find('api_key_deleted', other.id)).toMatchObject({
        actorId: adminId,
        details: { name: 'theirs' },
      });
      expect(trail).toHaveLength(4);
      expect(JSON.stringify(trail)).not.toContain(own.key);
      expect(JSON.stringify(trail)).not.toContain(other.key.slice(12));
    });
  });

  describe('authenticating with a key', () => {
    it('works as X-API-Key and as a bearer token, as its owner, only with its scopes', async () => {
      const user = await createUser(t.http);
      const created = await t.http
        .post('/projects')
        .set(bearer(user.accessToken))
        .send({ name: 'mine' })
        .expect(201);
      const { key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read', 'projects:write'],
      });
      const viaHeader = await t.http.get('/projects').set(apiKey(key)).expect(200);
      const viaBearer = await t.http.get('/projects').set(bearer(key)).expect(200);
      expect(viaHeader.body.items.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
      expect(viaBearer.body).toEqual(viaHeader.body);
      const made = await t.http
        .post('/projects')
        .set(bearer(key))
        .send({ name: 'by key' })
        .expect(201);
      expect(made.body.ownerId).toBe(user.id);
    });

    it('never reaches routes for signed-in users: no new keys, no profile, no sessions', async () => {
      const user = await createUser(t.http);
      const { key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read', 'projects:write'],
      });
      for (const [method, path] of [
        ['post', '/users/me/api-keys'],
        ['get', '/users/me/api-keys'],
        ['get', '/users/me'],
        ['get', '/auth/sessions'],
        ['post', '/auth/logout'],
      ] as const) {
        const response = await t.http[method](path)
          .set(apiKey(key))
          .send({
            name: 'more',
            scopes: ['projects:write'],
          });
        expect({ path, status: response.status, code: response.body.code }).toEqual({
          path,
          status: 403,
          code: 'insufficient_scope',
        });
      }
      // An administrator's key carries no role either.
      const { key: adminKey } = await createKey(t.http, admin, {
        name: 'a',
        scopes: ['users:admin'],
      });
      const users = await t.http.get('/users').set(apiKey(adminKey)).expect(403);
      expect(users.body.code).toBe('insufficient_role');
    });

    it('refuses unknown, malformed and lookalike keys with 401 invalid_token', async () => {
      const user = await createUser(t.http);
      const { key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read'],
      });
      const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
      for (const candidate of [
        `${key.slice(0, -1)}${lastChar}`,
        'snt_short',
        `${key}x`,
        key.toUpperCase(),
        `snt_${'\u00e9'.repeat(43)}`,
        "snt_' OR 1=1 --",
      ]) {
        const response = await t.http.get('/projects').set('x-api-key', candidate);
        expect({ candidate, status: response.status, code: response.body.code }).toEqual({
          candidate,
          status: 401,
          code: 'invalid_token',
        });
      }
      const bearerLookalike = await t.http.get('/projects').set(bearer('snt_nope')).expect(401);
      expect(bearerLookalike.body.code).toBe('invalid_token');
    });

    it('an expired key is refused (401), even one used while it was valid', async () => {
      const user = await createUser(t.http);
      const { key, ...created } = await createKey(t.http, user.accessToken, {
        name: 'short',
        scopes: ['projects:read'],
        expiresAt: new Date(Date.now() + 2500).toISOString(),
      });
      expect(created.expiresAt).not.toBeNull();
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      await sleep(3000);
      const refused = await t.http.get('/projects').set(apiKey(key)).expect(401);
      expect(refused.body.code).toBe('invalid_token');
    });

    it('a key of a demoted owner loses the scopes the owner lost, at once', async () => {
      const owner = await createAdminUser(t, admin);
      const { key } = await createKey(t.http, owner.accessToken, {
        name: 'ops',
        scopes: ['users:admin', 'projects:read'],
      });
      await t.http.get('/probe/users-admin').set(apiKey(key)).expect(200);
      await t.http
        .patch(`/users/${owner.id}`)
        .set(bearer(admin))
        .send({ roles: ['user'] })
        .expect(200);
      const refused = await t.http.get('/probe/users-admin').set(apiKey(key)).expect(403);
      expect(refused.body.code).toBe('insufficient_scope');
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      // Promoted again, the key has its scope back: it was never reduced, only bounded.
      await t.http
        .patch(`/users/${owner.id}`)
        .set(bearer(admin))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      await t.http.get('/probe/users-admin').set(apiKey(key)).expect(200);
    });

    it('a key of a disabled owner is refused at once; of a deleted owner, gone', async () => {
      const owner = await createUser(t.http);
      const { key } = await createKey(t.http, owner.accessToken, {
        name: 'k',
        scopes: ['projects:read'],
      });
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      await t.http
        .patch(`/users/${owner.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      const refused = await t.http.get('/projects').set(apiKey(key)).expect(401);
      expect(refused.body.code).toBe('invalid_token');
      await t.http
        .patch(`/users/${owner.id}`)
        .set(bearer(admin))
        .send({ disabled: false })
        .expect(200);
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      await t.http.delete(`/users/${owner.id}`).set(bearer(admin)).expect(204);
      await t.http.get('/projects').set(apiKey(key)).expect(401);
      const { rows } = await query(
        t,
        'SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1',
        [owner.id],
      );
      expect(rows[0].n).toBe(0);
    });

    it('records lastUsedAt after use, and at most once a minute', async () => {
      const user = await createUser(t.http);
      const { id, key } = await createKey(t.http, user.accessToken, {
        name: 'k',
        scopes: ['projects:read'],
      });
      const before = await t.http
        .get('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(before.body[0].lastUsedAt).toBeNull();
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      const first = await pollLastUsed(t, user, id);
      await query(t, 'UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, new Date(0)]);
      await t.http.get('/projects').set(apiKey(key)).expect(200);
      await sleep(500);
      const { rows } = await query(t, 'SELECT last_used_at FROM api_keys WHERE id = $1', [id]);
      // Within the minute the second use wrote nothing (the reset value stayed).
      expect(new Date(rows[0].last_used_at).getTime()).toBe(0);
      expect(new Date(first).getTime()).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  const onServer = Boolean(process.env.SENTINEL_TEST_SERVER_URL ?? process.env.DATABASE_URL);
  if (onServer) {
    describe('across instances (PostgreSQL server)', () => {
      let other: NestFastifyApplication;
      let b: TestAgent;
      beforeAll(async () => {
        other = await createApp({ modules: [ScopeProbeModule] });
        await other.init();
        await other.getHttpAdapter().getInstance().ready();
        b = request(other.getHttpServer());
      });
      afterAll(async () => {
        await other?.close();
      });

      it('a key deleted or an owner demoted on one instance is refused at once on another', async () => {
        const owner = await createAdminUser(t, admin);
        const { id, key } = await createKey(t.http, owner.accessToken, {
          name: 'ops',
          scopes: ['users:admin', 'projects:read'],
        });
        // Cached on B.
        await b.get('/probe/users-admin').set(apiKey(key)).expect(200);
        await t.http
          .patch(`/users/${owner.id}`)
          .set(bearer(admin))
          .send({ roles: ['user'] })
          .expect(200);
        await untilStatus(() => b.get('/probe/users-admin').set(apiKey(key)), 403);
        await b.get('/projects').set(apiKey(key)).expect(200);
        await t.http.delete(`/users/me/api-keys/${id}`).set(bearer(owner.accessToken)).expect(401);
        const relogged = await login(t.http, owner.email, owner.password);
        await t.http.delete(`/users/me/api-keys/${id}`).set(bearer(relogged)).expect(204);
        await untilStatus(() => b.get('/projects').set(apiKey(key)), 401);
      });
    });
  }
});

/** NOTIFY arrives within milliseconds; a second is a generous bound. */
async function untilStatus(send: () => PromiseLike<{ status: number }>, status: number) {
  const deadline = Date.now() + 1000;
  for (;;) {
    const response = await send();
    if (response.status === status) return;
    if (Date.now() > deadline) throw new Error(`still ${response.status}, expected ${status}`);
    await sleep(20);
  }
}

async function pollLastUsed(t: TestApp, user: TestUser, id: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const listed = await t.http.get('/users/me/api-keys').set(bearer(user.accessToken)).expect(200);
    const lastUsedAt = listed.body.find((k: { id: string }) => k.id === id)?.lastUsedAt;
    if (lastUsedAt) return lastUsedAt;
    if (Date.now() > deadline) throw new Error('lastUsedAt never recorded');
    await sleep(50);
  }
}

/** A statement on the app's own database (through its pool: one connection when embedded). */
async function query(t: TestApp, sql: string, params: unknown[]) {
  const { DataSource } = await import('typeorm');
  const rows = await t.app.get(DataSource).query(sql, params);
  return { rows };
}
