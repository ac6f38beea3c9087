import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { runPendingMigrations } from '../src/database/migrator.js';
import { randomUUID } from 'node:crypto';
import { createUser, loginAdmin } from './factories/user.factory.js';
import { createAppQuietly, createTestApp, TEST_ADMIN, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

describe('platform: health, OpenAPI, errors, schema', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /health is public and reports the database up', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await t.http.get('/docs').redirects(1).expect(200);
    expect(response.text).toMatch(/swagger-ui/i);
  });

  describe('the OpenAPI document at /docs-json', () => {
    let operations: Operation[];
    let document: Record<string, any>;

    beforeAll(async () => {
      document = (await t.http.get('/docs-json').expect(200)).body;
      operations = Object.values(
        document.paths as Record<string, Record<string, Operation>>,
      ).flatMap((item) => Object.values(item));
    });

    it('declares the bearer scheme, and the UI keeps the authorization across reloads', async () => {
      expect(document.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toMatch(/"persistAuthorization":\s*true/);
    });

    it('has readable, unique operation ids', () => {
      const ids = operations.map((operation) => operation.operationId);
      expect(ids).toEqual(
        expect.arrayContaining(['auth_login', 'auth_register', 'auth_session', 'users_me']),
      );
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('marks exactly the public operations as public', () => {
      const open = operations.filter((operation) => operation.security?.length === 0);
      expect(open.map((operation) => operation.operationId).sort()).toEqual(
        [
          'auth_login',
          'auth_refresh',
          'auth_register',
          'health_check',
          'health_live',
          'health_ready',
          'jwks_public_keys',
          'oauth_metadata_metadata',
          'oauth_token',
          'oauth_introspect',
          'oauth_revoke',
          // The mailed links are followed without a session (issue 13).
          'auth_verify_email',
          'auth_forgot_password',
          'auth_reset_password',
          'auth_confirm_email_change',
          // Provider sign-in (issue 15).
          'oidc_list',
          'oidc_start',
          'oidc_callback',
          'oidc_exchange',
          // The second step of a sign-in with a second factor (issue 14).
          'auth_login_mfa',
          // Passwordless sign-in with a passkey (issue 14).
          'passkeys_authentication_options',
          'passkeys_authenticate',
        ].sort(),
      );
    });

    it('documents bearer security and a 401 with the error schema on every protected operation', () => {
      const isProtected = operations.filter((operation) => operation.security?.length !== 0);
      expect(isProtected.length).toBeGreaterThanOrEqual(8);
      for (const operation of isProtected) {
        // Routes that name scopes also take an API key or a service token (ADR 0016).
        const scoped = operation.security?.length === 3;
        expect({ id: operation.operationId, security: operation.security }).toEqual({
          id: operation.operationId,
          security: scoped
            ? [{ bearer: [] }, { 'api-key': [] }, { oauth2: expect.any(Array) }]
            : [{ bearer: [] }],
        });
        expect(JSON.stringify(operation.responses['401'])).toContain(
          '#/components/schemas/ErrorResponseDto',
        );
      }
    });

    it('matches behaviour: every protected operation answers 401 without a token, 403 without its role', async () => {
      const user = await createUser(t.http);
      const protectedOperations = Object.entries(
        document.paths as Record<string, Record<string, Operation>>,
      )
        .flatMap(([path, item]) =>
          Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
        )
        .filter(({ operation }) => operation.security?.length !== 0);
      for (const { path, method, operation } of protectedOperations) {
        const url = path.replace(/\{[^}]+\}/g, randomUUID());
        const call = () => (t.http as any)[method](url).send({});
        const anonymous = await call();
        expect({ id: operation.operationId, status: anonymous.status }).toEqual({
          id: operation.operationId,
          status: 401,
        });
        expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
        if (
          operation.responses['403'] &&
          JSON.stringify(operation.responses['403']).includes('requires the role')
        ) {
          const forbidden = await call().set('authorization', `Bearer ${user.accessToken}`);
          expect({ id: operation.operationId, status: forbidden.status }).toEqual({
            id: operation.operationId,
            status: 403,
          });
        }
      }
    });

    it('documents a 403 on exactly the operations that require a role', () => {
      const withForbidden = operations
        .filter((operation) =>
          JSON.stringify(operation.responses['403'] ?? '').includes('requires the role'),
        )
        .map((operation) => operation.operationId)
        .sort();
      expect(withForbidden).toEqual(
        [
          'admin_sessions_revoke_all',
          'audit_events_list',
          'admin_users_get',
          'admin_users_list',
          'admin_users_remove',
          'admin_users_update',
          'admin_api_keys_list',
          'admin_api_keys_remove',
          'clients_create',
          'clients_list',
          'clients_remove',
          'clients_rotate_secret',
          'admin_users_verify_email',
          'admin_mfa_reset',
        ].sort(),
      );
    });
  });

  describe('errors', () => {
    it('answers an unknown route with the JSON error body', async () => {
      const response = await t.http.get('/no/such/route').expect(404);
      expect(response.body).toMatchObject({
        statusCode: 404,
        code: 'not_found',
        requestId: expect.any(String),
      });
    });

    it('returns the request id on every response, honouring a sane X-Request-Id', async () => {
      const given = await t.http.get('/health').set('x-request-id', 'trace-123.abc').expect(200);
      expect(given.headers['x-request-id']).toBe('trace-123.abc');
      const error = await t.http.get('/users/me').set('x-request-id', 'trace-456').expect(401);
      expect(error.body.requestId).toBe('trace-456');
      const generated = await t.http
        .get('/health')
        .set('x-request-id', 'bad id\twith spaces')
        .expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses a body over 100 kB with 413 and the JSON error body', async () => {
      const response = await t.http
        .post('/auth/login')
        .send({ email: 'a@b.co', password: 'x'.repeat(110 * 1024) })
        .expect(413);
      expect(response.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    });
  });

  describe('schema', () => {
    it('matches the entities exactly: the migrations leave nothing for TypeORM to change', async () => {
      const dataSource = t.app.get(DataSource);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    });

    it('records every migration as applied and can revert and re-apply them all', async () => {
      const dataSource = t.app.get(DataSource);
      const tables = async () =>
        (
          await dataSource.query(
            `SELECT table_name FROM information_schema.tables
              WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
          )
        ).map((row: { table_name: string }) => row.table_name);
      const before = await tables();
      expect(before).toEqual(expect.arrayContaining(['refresh_tokens', 'sessions', 'users']));
      expect(await dataSource.showMigrations()).toBe(false);

      for (const _ of dataSource.migrations) await dataSource.undoLastMigration();
      expect(await tables()).toEqual([]);

      expect(await runPendingMigrations(dataSource)).toHaveLength(dataSource.migrations.length);
      expect(await tables()).toEqual(before);
      expect(await dataSource.showMigrations()).toBe(false);
    });
  });

  it('creates the bootstrap admin once, whatever the number of restarts', async () => {
    t = await t.restart();
    t = await t.restart();
    const token = await loginAdmin(t.http);
    const users = await t.http
      .get('/users?limit=100')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    const admins = users.body.items.filter(
      (user: { email: string }) => user.email === TEST_ADMIN.email,
    );
    expect(admins).toHaveLength(1);
    expect(admins[0].roles).toEqual(['user', 'admin']);
  });

  it('guards the database against concurrent instances: embedded refuses, a server serialises migrations', async () => {
    if (!t.database.isServer) {
      // PGlite is one process's database: a second instance on the same directory must not start.
      await expect(createAppQuietly()).rejects.toThrow(/is (already )?in use by/);
      return;
    }
    // Two instances starting together on an empty database: the advisory lock lets one migrate
    // while the other waits, then finds nothing pending.
    const fresh = await createTestDatabase();
    Object.assign(process.env, fresh.env);
    const apps = await Promise.all([createApp(), createApp()]);
    try {
      await Promise.all(apps.map((app) => app.init()));
      const dataSource = apps[1].get(DataSource);
      const rows = await dataSource.query(`SELECT name FROM migrations`);
      expect(rows.map((row: { name: string }) => row.name).sort()).toEqual(
        dataSource.migrations.map((migration) => migration.name).sort(),
      );
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await fresh.drop();
      Object.assign(process.env, t.env);
    }
  });
});
