import { createUser, registerUser, uniqueEmail } from './factories/user.factory.js';
import { decodeToken } from './support/jwt.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('auth: register, login, session', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      ACCESS_TOKEN_TTL: '10m',
      JWT_ISSUER: 'https://auth.test',
      JWT_AUDIENCE: 'test-api',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('POST /auth/register', () => {
    it('creates a user with the default role and never returns the hash', async () => {
      const email = uniqueEmail('reg');
      const response = await t.http
        .post('/auth/register')
        .send({
          email: `  ${email.toUpperCase()} `,
          password: 'a perfectly long password',
          displayName: 'Ada',
        })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        displayName: 'Ada',
        roles: ['user'],
        disabled: false,
        emailVerified: false,
        createdAt: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/argon2|hash|password/i);
    });

    it('refuses a duplicate email whatever its case with 409 email_taken', async () => {
      const { email } = await registerUser(t.http);
      const response = await t.http
        .post('/auth/register')
        .send({ email: email.toUpperCase(), password: 'another long password' })
        .expect(409);
      expect(response.body).toMatchObject({ statusCode: 409, code: 'email_taken' });
    });

    it('rejects unknown properties such as roles with 400 and the failing field', async () => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: 'a perfectly long password', roles: ['admin'] })
        .expect(400);
      expect(response.body).toMatchObject({
        code: 'validation_failed',
        requestId: expect.any(String),
      });
      expect(response.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'roles' })]),
      );
    });

    it.each([
      ['a password under 12 characters', { password: 'short-pass1' }, 'password'],
      ['a password over 128 characters', { password: 'x'.repeat(129) }, 'password'],
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['a missing email', { email: undefined }, 'email'],
      ['a non-string password', { password: 123456789012 }, 'password'],
      ['a display name with a NUL character', { displayName: 'x\u0000' }, 'displayName'],
    ])('rejects %s with 400 validation_failed', async (_label, change, field) => {
      const body = { email: uniqueEmail(), password: 'a perfectly long password', ...change };
      const response = await t.http.post('/auth/register').send(body).expect(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(
        field,
      );
    });

    it('accepts exactly 12 and 128 character passwords', async () => {
      await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: 'x'.repeat(12) })
        .expect(201);
      await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: 'y'.repeat(128) })
        .expect(201);
    });

    it('answers malformed JSON with 400 invalid_json and no stack trace', async () => {
      const response = await t.http
        .post('/auth/register')
        .set('content-type', 'application/json')
        .send('{"email": "a@b.c", ')
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_json' });
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .+\.js:\d+/);
    });
  });

  describe('content types', () => {
    it.each([
      ['an HTML form', 'application/x-www-form-urlencoded', 'email=a%40b.co&password=xxxxxxxxxxxx'],
      ['plain text', 'text/plain', '{"email":"a@b.co","password":"xxxxxxxxxxxx"}'],
    ])(
      'refuses %s body with 415 (JSON only, so no cross-site form posts)',
      async (_label, type, body) => {
        const response = await t.http
          .post('/auth/login')
          .set('content-type', type)
          .send(body)
          .expect(415);
        expect(response.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
      },
    );
  });

  describe('POST /auth/login', () => {
    it('returns a Bearer access token with the configured claims and no-store', async () => {
      const user = await registerUser(t.http);
      const before = Math.floor(Date.now() / 1000);
      const response = await t.http
        .post('/auth/login')
        .send({ email: ` ${user.email.toUpperCase()}`, password: user.password })
        .expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 600,
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        refreshExpiresAt: expect.any(String),
      });

      const { header, payload } = decodeToken(response.body.accessToken);
      expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.stringMatching(/^hs-/) });
      expect(payload).toMatchObject({
        iss: 'https://auth.test',
        aud: 'test-api',
        sub: user.id,
        sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        roles: ['user'],
        jti: expect.any(String),
      });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect((payload.exp as number) - (payload.iat as number)).toBe(600);
    });

    it('issues a distinct token id on every login', async () => {
      const user = await registerUser(t.http);
      const tokens = await Promise.all(
        [1, 2].map(() =>
          t.http.post('/auth/login').send({ email: user.email, password: user.password }),
        ),
      );
      const ids = tokens.map((response) => decodeToken(response.body.accessToken).payload.jti);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('gives a wrong password and an unknown email the same 401 body', async () => {
      const user = await registerUser(t.http);
      const wrong = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: 'not the right password' })
        .expect(401);
      const unknown = await t.http
        .post('/auth/login')
        .send({ email: uniqueEmail('ghost'), password: 'not the right password' })
        .expect(401);
      const strip = ({ requestId: _id, ...body }: Record<string, unknown>) => body;
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.code).toBe('invalid_credentials');
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
      expect(unknown.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
    });

    it('rejects a body without a password with 400', async () => {
      const response = await t.http.post('/auth/login').send({ email: uniqueEmail() }).expect(400);
      expect(response.body.code).toBe('validation_failed');
    });
  });

  describe('GET /auth/session', () => {
    it('describes the caller from the token alone', async () => {
      const user = await createUser(t.http);
      const response = await t.http
        .get('/auth/session')
        .set('authorization', `Bearer ${user.accessToken}`)
        .expect(200);
      const { payload } = decodeToken(user.accessToken);
      expect(response.body).toEqual({
        userId: user.id,
        sessionId: payload.sid,
        roles: ['user'],
        expiresAt: new Date((payload.exp as number) * 1000).toISOString(),
      });
    });

    it('requires a token: 401 with the bare Bearer challenge', async () => {
      const response = await t.http.get('/auth/session').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
      expect(response.body).toMatchObject({ statusCode: 401, code: 'missing_token' });
    });
  });
});
