import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../src/app.factory.js';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { createUser, loginAdmin, registerUser } from './factories/user.factory.js';
import { decodeToken, forgeWithAppSecret } from './support/jwt.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ISSUER = 'https://auth.sentinel.test';
const FORM = 'application/x-www-form-urlencoded';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

interface Client {
  clientId: string;
  clientSecret: string;
}

const form = (http: TestAgent, path: string, fields: Record<string, string>) =>
  http.post(path).type('form').send(fields);

describe('service accounts and the OAuth endpoints', () => {
  let t: TestApp;
  let admin: string;
  /** A client allowed to introspect. */
  let introspector: Client;

  const createClient = async (scopes: string[], name = 'worker'): Promise<Client> => {
    const response = await t.http
      .post('/clients')
      .set(bearer(admin))
      .send({ name, scopes })
      .expect(201);
    return response.body;
  };
  const clientToken = async (client: Client, scope?: string) => {
    const response = await form(t.http, '/oauth/token', {
      grant_type: 'client_credentials',
      ...(scope && { scope }),
    })
      .set(basic(client.clientId, client.clientSecret))
      .expect(200);
    return response.body.access_token as string;
  };
  const introspect = (token: string) =>
    form(t.http, '/oauth/introspect', { token })
      .set(basic(introspector.clientId, introspector.clientSecret))
      .expect(200)
      .then((response) => response.body);
  /** The audit events of one type, newest first, whose details name this id. */
  const audited = async (type: string, id: string) => {
    const response = await t.http
      .get(`/audit-events?type=${type}&limit=100`)
      .set(bearer(admin))
      .expect(200);
    return (response.body.items as { details: Record<string, unknown>; actorId: string }[]).filter(
      (event) => event.details.clientId === id || event.details.keyId === id,
    );
  };
  const revoke = (token: string, client = introspector) =>
    form(t.http, '/oauth/revoke', { token })
      .set(basic(client.clientId, client.clientSecret))
      .expect(200);

  beforeAll(async () => {
    t = await createTestApp({ JWT_ISSUER: ISSUER, CLIENT_SECRET_OVERLAP: '2s' });
    admin = await loginAdmin(t.http);
    introspector = await createClient(['tokens:introspect'], 'resource server');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('administering clients', () => {
    it('POST /clients shows the secret once; GET lists without it; admins only', async () => {
      const user = await createUser(t.http);
      await t.http
        .post('/clients')
        .send({ name: 'x', scopes: ['projects:read'] })
        .expect(401);
      const refused = await t.http
        .post('/clients')
        .set(bearer(user.accessToken))
        .send({ name: 'x', scopes: ['projects:read'] })
        .expect(403);
      expect(refused.body.code).toBe('insufficient_role');
      const created = await t.http
        .post('/clients')
        .set(bearer(admin))
        .send({ name: 'billing', scopes: ['projects:read'] })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'billing', scopes: ['projects:read'] });
      expect(created.body.clientId).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.body.clientSecret.length).toBeGreaterThanOrEqual(43);
      const listed = await t.http.get('/clients').set(bearer(admin)).expect(200);
      const entry = listed.body.find((c: Client) => c.clientId === created.body.clientId);
      expect(entry).toMatchObject({ name: 'billing' });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.clientSecret);
      expect(entry).not.toHaveProperty('clientSecret');
      for (const body of [
        { name: 'x', scopes: ['nope'] },
        { name: 'x' },
        { name: 'x', scopes: ['projects:read'], secret: 'mine' },
      ]) {
        const bad = await t.http.post('/clients').set(bearer(admin)).send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.code).toBe('validation_failed');
      }
      await t.http.delete('/clients/not-a-uuid').set(bearer(admin)).expect(400);
      await t.http.delete(`/clients/${crypto.randomUUID()}`).set(bearer(admin)).expect(404);
    });

    it('creating, rotating and deleting a client are audited with the administrator as actor', async () => {
      const client = await createClient(['projects:read'], 'audited');
      await t.http.post(`/clients/${client.clientId}/secret`).set(bearer(admin)).expect(201);
      await t.http.delete(`/clients/${client.clientId}`).set(bearer(admin)).expect(204);
      const adminId = (await t.http.get('/users/me').set(bearer(admin)).expect(200)).body.id;
      // Written without waiting for the response: poll briefly.
      for (
        let i = 0;
        i < 50 && (await audited('client_deleted', client.clientId)).length === 0;
        i++
      )
        await sleep(100);
      for (const type of ['client_created', 'client_secret_rotated', 'client_deleted']) {
        const [event, ...more] = await audited(type, client.clientId);
        expect(more).toEqual([]);
        expect(event).toMatchObject({
          userId: null,
          actorId: adminId,
          details: { clientId: client.clientId, name: 'audited' },
        });
        expect(JSON.stringify(event)).not.toContain(client.clientSecret);
      }
      const [created] = await audited('client_created', client.clientId);
      expect(created.details.scopes).toEqual(['projects:read']);
    });

    it('a rotated secret: the new one works, the old one for CLIENT_SECRET_OVERLAP only', async () => {
      const client = await createClient(['projects:read']);
      const rotated = await t.http
        .post(`/clients/${client.clientId}/secret`)
        .set(bearer(admin))
        .expect(201);
      expect(rotated.body.clientId).toBe(client.clientId);
      expect(rotated.body.clientSecret).not.toBe(client.clientSecret);
      expect(rotated.body.previousSecretExpiresAt).toBeTruthy();
      await clientToken(client);
      await clientToken({ ...client, clientSecret: rotated.body.clientSecret });
      await sleep(2500);
      const old = await form(t.http, '/oauth/token', { grant_type: 'client_credentials' })
        .set(basic(client.clientId, client.clientSecret))
        .expect(401);
      expect(old.body).toMatchObject({ error: 'invalid_client', code: 'invalid_client' });
      await clientToken({ ...client, clientSecret: rotated.body.clientSecret });
    });

    it('a deleted client cannot get tokens, and its tokens are refused at once', async () => {
      const client = await createClient(['projects:read']);
      const token = await clientToken(client);
      await t.http.get('/projects').set(bearer(token)).expect(200);
      await t.http.delete(`/clients/${client.clientId}`).set(bearer(admin)).expect(204);
      const refused = await t.http.get('/projects').set(bearer(token)).expect(401);
      expect(refused.body.code).toBe('token_revoked');
      await form(t.http, '/oauth/token', { grant_type: 'client_credentials' })
        .set(basic(client.clientId, client.clientSecret))
        .expect(401);
    });
  });

  describe('POST /oauth/token', () => {
    it('client_credentials with HTTP Basic: an RFC 9068 token, not cached', async () => {
      const client = await createClient(['projects:read', 'projects:write']);
      const response = await form(t.http, '/oauth/token', { grant_type: 'client_credentials' })
        .set(basic(client.clientId, client.clientSecret))
        .expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'projects:read projects:write',
      });
      const { header, payload } = decodeToken(response.body.access_token);
      expect(header.typ).toBe('at+jwt');
      expect(payload).toMatchObject({
        sub: client.clientId,
        client_id: client.clientId,
        scope: 'projects:read projects:write',
        iss: ISSUER,
        aud: 'sentinel-api',
      });
      expect(payload).not.toHaveProperty('sid');
      expect(payload).not.toHaveProperty('roles');
      expect(typeof payload.jti).toBe('string');
    });

    it('client_secret_post, and a requested subset of the scopes', async () => {
      const client = await createClient(['projects:read', 'projects:write']);
      const response = await form(t.http, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope: 'projects:read',
      }).expect(200);
      expect(response.body.scope).toBe('projects:read');
      const token = response.body.access_token;
      await t.http.get('/projects').set(bearer(token)).expect(200);
      const refused = await t.http
        .post('/projects')
        .set(bearer(token))
        .send({ name: 'x' })
        .expect(403);
      expect(refused.body.code).toBe('insufficient_scope');
      expect(refused.headers['www-authenticate']).toContain('scope="projects:write"');
    });

    it('refuses scopes beyond the client’s with invalid_scope', async () => {
      const client = await createClient(['projects:read']);
      for (const scope of ['projects:write', 'projects:read users:admin', 'everything']) {
        const response = await form(t.http, '/oauth/token', {
          grant_type: 'client_credentials',
          scope,
        })
          .set(basic(client.clientId, client.clientSecret))
          .expect(400);
        expect(response.body).toMatchObject({ error: 'invalid_scope', code: 'invalid_scope' });
        expect(response.headers['cache-control']).toBe('no-store');
      }
    });

    it('invalid_client (401, WWW-Authenticate: Basic) for wrong, unknown or missing credentials', async () => {
      const client = await createClient(['projects:read']);
      for (const credentials of [
        basic(client.clientId, 'wrong'),
        basic(crypto.randomUUID(), client.clientSecret),
        basic('not-a-uuid', client.clientSecret),
        { authorization: 'Basic !!!' },
        { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
        {},
      ]) {
        const response = await form(t.http, '/oauth/token', { grant_type: 'client_credentials' })
          .set(credentials)
          .expect(401);
        expect(response.body).toMatchObject({
          error: 'invalid_client',
          error_description: expect.any(String),
          code: 'invalid_client',
          statusCode: 401,
        });
        expect(response.headers['www-authenticate']).toBe('Basic realm="sentinel"');
        expect(response.headers['cache-control']).toBe('no-store');
      }
    });

    it('invalid_request and unsupported_grant_type (400) for malformed requests', async () => {
      const client = await createClient(['projects:read']);
      const both = await form(t.http, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      })
        .set(basic(client.clientId, client.clientSecret))
        .expect(400);
      expect(both.body.error).toBe('invalid_request');
      const missing = await form(t.http, '/oauth/token', {}).expect(400);
      expect(missing.body.error).toBe('invalid_request');
      const repeated = await t.http
        .post('/oauth/token')
        .set('content-type', FORM)
        .send('grant_type=client_credentials&grant_type=refresh_token')
        .expect(400);
      expect(repeated.body.error).toBe('invalid_request');
      const json = await t.http
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials' })
        .expect(400);
      expect(json.body.error).toBe('invalid_request');
      for (const grantType of ['password', 'authorization_code', '__proto__']) {
        const response = await form(t.http, '/oauth/token', { grant_type: grantType }).expect(400);
        expect(response.body).toMatchObject({ error: 'unsupported_grant_type' });
      }
      const polluted = await t.http
        .post('/oauth/token')
        .set('content-type', FORM)
        .send('__proto__=x&constructor=y&grant_type=client_credentials')
        .set(basic(client.clientId, client.clientSecret))
        .expect(200);
      expect(polluted.body.token_type).toBe('Bearer');
    });

    it('grant_type=refresh_token rotates like /auth/refresh; a spent token is invalid_grant (400)', async () => {
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      const response = await form(t.http, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken,
      }).expect(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'projects:read projects:write',
        refresh_token: expect.any(String),
      });
      await t.http.get('/users/me').set(bearer(response.body.access_token)).expect(200);
      const reused = await form(t.http, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken,
      }).expect(400);
      expect(reused.body).toMatchObject({ error: 'invalid_grant', code: 'invalid_grant' });
      // Reuse revoked the whole session, successor included.
      await refresh(t.http, response.body.refresh_token).expect(401);
      const unknown = await form(t.http, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: 'x'.repeat(43),
      }).expect(400);
      expect(unknown.body.error).toBe('invalid_grant');
    });

    it('form bodies only on /oauth/*: every other route still answers 415', async () => {
      const user = await registerUser(t.http);
      const response = await form(t.http, '/auth/login', {
        email: user.email,
        password: user.password,
      }).expect(415);
      expect(response.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
      await form(t.http, '/projects', { name: 'x' }).expect(415);
    });
  });

  describe('service tokens at the API', () => {
    it('reach routes whose scopes they have, and nothing for signed-in users', async () => {
      const client = await createClient(['projects:read']);
      const token = await clientToken(client);
      const owner = await createUser(t.http);
      const project = await t.http
        .post('/projects')
        .set(bearer(owner.accessToken))
        .send({ name: 'p' })
        .expect(201);
      // A service account owns nothing: it reads every project its scope covers.
      await t.http.get(`/projects/${project.body.id}`).set(bearer(token)).expect(200);
      for (const path of ['/users/me', '/auth/session', '/auth/sessions']) {
        const refused = await t.http.get(path).set(bearer(token)).expect(403);
        expect(refused.body.code).toBe('insufficient_scope');
      }
      await t.http.get('/users').set(bearer(token)).expect(403);
      const writer = await clientToken(await createClient(['projects:write']));
      const refused = await t.http
        .post('/projects')
        .set(bearer(writer))
        .send({ name: 'x' })
        .expect(403);
      expect(refused.body.code).toBe('forbidden');
    });

    it('a forged scope or client fails the signature; a service token without scope is refused', async () => {
      const client = await createClient(['projects:read']);
      const token = await clientToken(client);
      const tampered = token.split('.');
      const payload = decodeToken(token).payload;
      tampered[1] = Buffer.from(
        JSON.stringify({ ...payload, scope: 'projects:read projects:write' }),
      ).toString('base64url');
      await t.http
        .post('/projects')
        .set(bearer(tampered.join('.')))
        .send({ name: 'x' })
        .expect(401);
      const noScope = forgeWithAppSecret(t, token, { payload: { scope: undefined } });
      await t.http.get('/projects').set(bearer(noScope)).expect(401);
    });
  });

  describe('POST /oauth/introspect (RFC 7662)', () => {
    it('needs a client with tokens:introspect', async () => {
      const other = await createClient(['projects:read']);
      const forbidden = await form(t.http, '/oauth/introspect', { token: 'x' })
        .set(basic(other.clientId, other.clientSecret))
        .expect(403);
      expect(forbidden.body.code).toBe('insufficient_scope');
      await form(t.http, '/oauth/introspect', { token: 'x' }).expect(401);
      const user = await createUser(t.http);
      // A user's bearer token is not client authentication.
      await form(t.http, '/oauth/introspect', { token: 'x' })
        .set(bearer(user.accessToken))
        .expect(401);
    });

    it('describes an active service token, user access token, refresh token and API key', async () => {
      const client = await createClient(['projects:read']);
      const service = await introspect(await clientToken(client));
      expect(service).toEqual({
        active: true,
        sub: client.clientId,
        client_id: client.clientId,
        scope: 'projects:read',
        exp: expect.any(Number),
        iat: expect.any(Number),
        iss: ISSUER,
        aud: 'sentinel-api',
        token_type: 'Bearer',
        jti: expect.any(String),
      });
      expect(service.exp - service.iat).toBe(900);

      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      expect(await introspect(session.accessToken)).toMatchObject({
        active: true,
        sub: user.id,
        sid: session.sessionId,
        scope: 'projects:read projects:write',
        token_type: 'Bearer',
        iss: ISSUER,
      });
      expect(await introspect(session.refreshToken)).toMatchObject({
        active: true,
        sub: user.id,
        sid: session.sessionId,
        token_type: 'refresh_token',
        exp: expect.any(Number),
      });
      const key = await t.http
        .post('/users/me/api-keys')
        .set(bearer(session.accessToken))
        .send({ name: 'k', scopes: ['projects:read'] })
        .expect(201);
      const described = await introspect(key.body.key);
      expect(described).toMatchObject({
        active: true,
        sub: user.id,
        scope: 'projects:read',
        token_type: 'Bearer',
      });
      expect(described).not.toHaveProperty('exp');
    });

    it('answers exactly {"active": false} for expired, revoked, spent, unknown or malformed tokens', async () => {
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      const now = Math.floor(Date.now() / 1000);
      const expired = forgeWithAppSecret(t, session.accessToken, {
        payload: { iat: now - 3600, exp: now - 1800 },
      });
      const rotated = await refresh(t.http, session.refreshToken).expect(200);
      const later = await signIn(t.http, user.email, user.password);
      await t.http.post('/auth/logout').set(bearer(later.accessToken)).expect(204);
      for (const token of [
        expired,
        session.refreshToken, // spent by the rotation
        later.accessToken, // logged out
        later.refreshToken,
        'x'.repeat(43),
        'snt_' + 'x'.repeat(43),
        'not a token',
        `${rotated.body.accessToken}x`,
      ]) {
        const answer = await form(t.http, '/oauth/introspect', { token })
          .set(basic(introspector.clientId, introspector.clientSecret))
          .expect(200);
        expect(answer.text).toBe('{"active":false}');
      }
    });
  });

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('200 for any token, known or not; a client must authenticate', async () => {
      await revoke('never-issued');
      await revoke('x'.repeat(43));
      await form(t.http, '/oauth/revoke', { token: 'x' }).expect(401);
      const missing = await form(t.http, '/oauth/revoke', {})
        .set(basic(introspector.clientId, introspector.clientSecret))
        .expect(400);
      expect(missing.body.error).toBe('invalid_request');
    });

    it('a refresh token ends its session; an access token ends its session', async () => {
      const user = await registerUser(t.http);
      const a = await signIn(t.http, user.email, user.password);
      await revoke(a.refreshToken);
      const refused = await t.http.get('/auth/session').set(bearer(a.accessToken)).expect(401);
      expect(refused.body.code).toBe('token_revoked');
      const b = await signIn(t.http, user.email, user.password);
      await revoke(b.accessToken);
      await t.http.get('/auth/session').set(bearer(b.accessToken)).expect(401);
      await refresh(t.http, b.refreshToken).expect(401);
      expect(await introspect(b.refreshToken)).toEqual({ active: false });
    });

    it('a service token is refused by its jti; other tokens of its client still work', async () => {
      const client = await createClient(['projects:read']);
      const revoked = await clientToken(client);
      const kept = await clientToken(client);
      await t.http.get('/projects').set(bearer(revoked)).expect(200);
      await revoke(revoked, client);
      const refused = await t.http.get('/projects').set(bearer(revoked)).expect(401);
      expect(refused.body.code).toBe('token_revoked');
      await t.http.get('/projects').set(bearer(kept)).expect(200);
      expect(await introspect(revoked)).toEqual({ active: false });
      // Revocations outlive a restart: loaded from the database.
      const { rows } = await t.app
        .get((await import('typeorm')).DataSource)
        .query('SELECT count(*)::int AS n FROM revoked_token_ids WHERE id = $1', [
          decodeToken(revoked).payload.jti,
        ])
        .then((r: unknown[]) => ({ rows: r as { n: number }[] }));
      expect(rows[0].n).toBe(1);
    });

    it('an API key is deleted', async () => {
      const user = await createUser(t.http);
      const key = await t.http
        .post('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .send({ name: 'k', scopes: ['projects:read'] })
        .expect(201);
      await t.http.get('/projects').set('x-api-key', key.body.key).expect(200);
      await revoke(key.body.key);
      await t.http.get('/projects').set('x-api-key', key.body.key).expect(401);
      for (let i = 0; i < 50 && (await audited('api_key_deleted', key.body.id)).length === 0; i++)
        await sleep(100);
      const [deleted] = await audited('api_key_deleted', key.body.id);
      expect(deleted).toMatchObject({
        userId: user.id,
        actorId: introspector.clientId,
        details: { keyId: key.body.id, via: 'revocation' },
      });
      const listed = await t.http
        .get('/users/me/api-keys')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(listed.body).toEqual([]);
    });
  });

  describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
    it('names every endpoint as the issuer plus its path', async () => {
      const response = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      expect(response.body).toEqual({
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/oauth/token`,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        introspection_endpoint: `${ISSUER}/oauth/introspect`,
        revocation_endpoint: `${ISSUER}/oauth/revoke`,
        grant_types_supported: ['client_credentials', 'refresh_token'],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        introspection_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
        ],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: ['projects:read', 'projects:write', 'users:admin', 'tokens:introspect'],
      });
    });
  });

  const onServer = Boolean(process.env.SENTINEL_TEST_SERVER_URL ?? process.env.DATABASE_URL);
  if (onServer) {
    describe('across instances (PostgreSQL server)', () => {
      let other: NestFastifyApplication;
      let b: TestAgent;
      beforeAll(async () => {
        other = await createApp();
        await other.init();
        await other.getHttpAdapter().getInstance().ready();
        b = request(other.getHttpServer());
      });
      afterAll(async () => {
        await other?.close();
      });

      /** NOTIFY arrives within milliseconds; a second is a generous bound. */
      const untilRefused = async (token: string) => {
        const deadline = Date.now() + 1000;
        for (;;) {
          const response = await b.get('/projects').set(bearer(token));
          if (response.status === 401) return response;
          if (Date.now() > deadline) throw new Error(`still ${response.status} on instance B`);
          await sleep(20);
        }
      };

      it('a service token revoked, or a client deleted, on one instance is refused on another', async () => {
        const client = await createClient(['projects:read']);
        const revoked = await clientToken(client);
        const ofDeleted = await clientToken(client);
        await b.get('/projects').set(bearer(revoked)).expect(200);
        await b.get('/projects').set(bearer(ofDeleted)).expect(200);
        await revoke(revoked, client);
        expect((await untilRefused(revoked)).body.code).toBe('token_revoked');
        await b.get('/projects').set(bearer(ofDeleted)).expect(200);
        await t.http.delete(`/clients/${client.clientId}`).set(bearer(admin)).expect(204);
        expect((await untilRefused(ofDeleted)).body.code).toBe('token_revoked');
      });
    });
  }
});
