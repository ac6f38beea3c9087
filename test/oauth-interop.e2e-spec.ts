import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'openid-client';
import { bearer, signIn } from './factories/session.factory.js';
import { loginAdmin, registerUser } from './factories/user.factory.js';
import { freePort } from './support/free-port.js';
import { createKeysDir } from './support/keys.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Interoperability: a standard OAuth client library, configured from the RFC 8414 metadata
 * alone, and a resource server verifying service tokens through the JWKS with `jose`, against a
 * Sentinel served on a real port whose URL is its issuer.
 */
describe('interoperability: openid-client and jose against Sentinel', () => {
  let t: TestApp;
  let issuer: string;
  let keys: Awaited<ReturnType<typeof createKeysDir>>;
  let admin: string;

  const createClient = async (scopes: string[]) =>
    (await t.http.post('/clients').set(bearer(admin)).send({ name: 'interop', scopes }).expect(201))
      .body as { clientId: string; clientSecret: string };

  /** Everything the library knows comes from the discovery document. */
  const configure = (client: { clientId: string; clientSecret: string }, basic = true) =>
    oauth.discovery(
      new URL(issuer),
      client.clientId,
      undefined,
      basic
        ? oauth.ClientSecretBasic(client.clientSecret)
        : oauth.ClientSecretPost(client.clientSecret),
      { algorithm: 'oauth2', execute: [oauth.allowInsecureRequests] },
    );

  beforeAll(async () => {
    keys = await createKeysDir();
    await keys.add('interop-1', 'ES256');
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp(
      { JWT_ALG: 'ES256', JWT_KEYS_DIR: keys.dir, JWT_ISSUER: issuer },
      { listen: port },
    );
    admin = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await keys?.remove();
  });

  it('discovers the endpoints and performs the client-credentials grant (Basic and post)', async () => {
    const client = await createClient(['projects:read', 'projects:write']);
    const config = await configure(client);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.token_endpoint).toBe(`${issuer}/oauth/token`);

    const granted = await oauth.clientCredentialsGrant(config, { scope: 'projects:read' });
    expect(granted.token_type.toLowerCase()).toBe('bearer');
    expect(granted.scope).toBe('projects:read');
    expect(granted.expiresIn()).toBeGreaterThan(800);
    await t.http.get('/projects').set(bearer(granted.access_token)).expect(200);

    const viaPost = await oauth.clientCredentialsGrant(await configure(client, false));
    expect(viaPost.scope).toBe('projects:read projects:write');

    const wrong = await configure({ ...client, clientSecret: 'wrong' });
    // The library reads the 401's `WWW-Authenticate: Basic` challenge (RFC 6749 §5.2).
    const refused = await oauth.clientCredentialsGrant(wrong).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(refused).toMatchObject({ status: 401, cause: [{ scheme: 'basic' }] });
    const body = await (refused as oauth.WWWAuthenticateChallengeError).response.json();
    expect(body).toMatchObject({ error: 'invalid_client' });
    await expect(
      oauth.clientCredentialsGrant(config, { scope: 'users:admin' }),
    ).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('introspects an access token, a refresh token and an API key, revokes them, and introspects again', async () => {
    const resourceServer = await configure(await createClient(['tokens:introspect']));
    const worker = await oauth.clientCredentialsGrant(
      await configure(await createClient(['projects:read'])),
    );
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    const key = (
      await t.http
        .post('/users/me/api-keys')
        .set(bearer(session.accessToken))
        .send({ name: 'interop', scopes: ['projects:read'] })
        .expect(201)
    ).body.key as string;

    const serviceToken = await oauth.tokenIntrospection(resourceServer, worker.access_token);
    expect(serviceToken).toMatchObject({ active: true, scope: 'projects:read', iss: issuer });
    expect(serviceToken.client_id).toBe(serviceToken.sub);
    const accessToken = await oauth.tokenIntrospection(resourceServer, session.accessToken);
    expect(accessToken).toMatchObject({ active: true, sub: user.id, sid: session.sessionId });
    const refreshToken = await oauth.tokenIntrospection(resourceServer, session.refreshToken);
    expect(refreshToken).toMatchObject({ active: true, sub: user.id, token_type: 'refresh_token' });
    const apiKey = await oauth.tokenIntrospection(resourceServer, key);
    expect(apiKey).toMatchObject({ active: true, sub: user.id, scope: 'projects:read' });

    await oauth.tokenRevocation(resourceServer, worker.access_token);
    await oauth.tokenRevocation(resourceServer, session.refreshToken);
    await oauth.tokenRevocation(resourceServer, key);
    for (const token of [worker.access_token, session.accessToken, session.refreshToken, key]) {
      expect(await oauth.tokenIntrospection(resourceServer, token)).toEqual({ active: false });
    }
    await t.http.get('/projects').set(bearer(worker.access_token)).expect(401);
    await t.http.get('/projects').set(bearer(session.accessToken)).expect(401);
    await t.http.get('/projects').set('x-api-key', key).expect(401);
    // Revoking an unknown token is no error either (RFC 7009 §2.2).
    await oauth.tokenRevocation(resourceServer, 'never-issued');
  });

  it('a resource server verifies a service token through the JWKS with jose', async () => {
    const config = await configure(await createClient(['projects:read']));
    const { access_token: token } = await oauth.clientCredentialsGrant(config);
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const verified = await jwtVerify(token, jwks, {
      issuer,
      audience: 'sentinel-api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(verified.protectedHeader).toMatchObject({
      alg: 'ES256',
      kid: 'interop-1',
      typ: 'at+jwt',
    });
    expect(verified.payload).toMatchObject({ scope: 'projects:read' });
    expect(verified.payload.sub).toBe(verified.payload.client_id);
    expect(verified.payload).not.toHaveProperty('sid');

    const [header, payload, signature] = token.split('.');
    const widened = Buffer.from(
      JSON.stringify({ ...verified.payload, scope: 'projects:read users:admin' }),
    ).toString('base64url');
    await expect(
      jwtVerify(`${header}.${widened}.${signature}`, jwks, { issuer, audience: 'sentinel-api' }),
    ).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(payload).toBeTruthy();
  });
});
