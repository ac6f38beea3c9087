import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const APP_ORIGIN = 'https://app.example.test';

/** `refreshTokenTransport: "cookie"` and CORS_ORIGINS: what a browser client on another origin needs. */
describe('refresh token transport and CORS for web apps', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${APP_ORIGIN}, https://admin.example.test` });
  });
  afterAll(async () => {
    await t?.close();
  });

  const cookieOf = (setCookie: string | string[] | undefined) =>
    ([setCookie ?? []].flat().find((value) => value.startsWith('refresh_token=')) ?? '')
      .split(';')[0]
      .slice('refresh_token='.length);

  it('keeps the refresh token out of the login and refresh bodies, in the cookie only', async () => {
    const user = await registerUser(t.http);
    const login = await t.http
      .post('/auth/login')
      .send({ email: user.email, password: user.password, refreshTokenTransport: 'cookie' })
      .expect(200);
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
      refreshExpiresAt: expect.any(String),
    });
    const first = cookieOf(login.headers['set-cookie']);
    expect(first).toMatch(/^[\w-]{43}$/);

    const refreshed = await t.http
      .post('/auth/refresh')
      .set('cookie', `refresh_token=${first}`)
      .send({ refreshTokenTransport: 'cookie' })
      .expect(200);
    expect(refreshed.body).not.toHaveProperty('refreshToken');
    const second = cookieOf(refreshed.headers['set-cookie']);
    expect(second).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first);
    // The cookie's token is a real, single-use refresh token: the spent one is reuse.
    const reused = await t.http
      .post('/auth/refresh')
      .set('cookie', `refresh_token=${first}`)
      .send({})
      .expect(401);
    expect(reused.body.code).toBe('refresh_token_reused');
  });

  it('still returns the refresh token in the body when no transport is named', async () => {
    const user = await registerUser(t.http);
    const login = await t.http
      .post('/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(login.body.refreshToken).toBe(cookieOf(login.headers['set-cookie']));
  });

  it.each([['body'], ['COOKIE'], [''], [['cookie']], [1]])(
    'refuses refreshTokenTransport %j with 400 validation_failed',
    async (transport) => {
      const user = await registerUser(t.http);
      for (const [path, body] of [
        ['/auth/login', { email: user.email, password: user.password }],
        ['/auth/refresh', { refreshToken: 'x'.repeat(43) }],
      ] as const) {
        const response = await t.http
          .post(path)
          .send({ ...body, refreshTokenTransport: transport })
          .expect(400);
        expect(response.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    },
  );

  it('lets exactly the listed origins call with credentials, every method included', async () => {
    const preflight = await t.http
      .options('/auth/sessions/00000000-0000-4000-8000-000000000000')
      .set('origin', APP_ORIGIN)
      .set('access-control-request-method', 'DELETE')
      .set('access-control-request-headers', 'authorization')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-methods']).toContain('DELETE');

    const simple = await t.http.get('/auth/session').set('origin', APP_ORIGIN).expect(401);
    expect(simple.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(simple.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/i);
  });

  it.each([
    'https://evil.example.test',
    'https://app.example.test.evil.test',
    'http://app.example.test',
    'null',
  ])('gives %s no CORS access', async (origin) => {
    const preflight = await t.http
      .options('/auth/refresh')
      .set('origin', origin)
      .set('access-control-request-method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const response = await t.http.post('/auth/refresh').set('origin', origin).send({});
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
