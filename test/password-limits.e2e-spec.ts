import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { bearer, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const count = (responses: Response[], status: number) =>
  responses.filter((response) => response.status === status).length;

function expectRetryAfter(response: Response, code: string): void {
  expect(response.body).toMatchObject({ statusCode: response.status, code });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.body.details.retryAfterSeconds).toBe(Number(response.headers['retry-after']));
}

const wrong = () => `wrong-${randomUUID()}`;
const newPassword = () => `new-${randomUUID()}`;

/**
 * Issue 12, item 5: `POST /users/me/password` checks a password, so a stolen access token must
 * not be able to guess the current one forever: wrong guesses count into the sign-in lockout, the
 * route is rate limited like sign-in, and argon2's queue is bounded (503 `server_busy`).
 */
describe('POST /users/me/password counts into the sign-in lockout', () => {
  let t: TestApp;
  const changeFrom = (address: string, token: string, currentPassword: string) =>
    t.http
      .post('/users/me/password')
      .set('x-forwarded-for', address)
      .set(bearer(token))
      .send({ currentPassword, newPassword: newPassword() });
  const signInFrom = (address: string, email: string, password: string) =>
    t.http.post('/auth/login').set('x-forwarded-for', address).send({ email, password });

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: '1', LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the guessing address with 429 after LOGIN_MAX_FAILURES wrong current passwords, for sign-in too', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const thief = '198.51.100.7';
    for (let i = 0; i < 3; i++) {
      const refused = await changeFrom(thief, accessToken, wrong()).expect(403);
      expect(refused.body.code).toBe('invalid_current_password');
    }
    // Checked before the password: even the right one is refused now, and nothing changes.
    expectRetryAfter(
      await changeFrom(thief, accessToken, user.password).expect(429),
      'too_many_attempts',
    );
    expectRetryAfter(
      await signInFrom(thief, user.email, user.password).expect(429),
      'too_many_attempts',
    );
    // The owner, elsewhere, still signs in with the unchanged password and can change it.
    const owner = await signInFrom('198.51.100.8', user.email, user.password).expect(200);
    await changeFrom('198.51.100.8', owner.body.accessToken, user.password).expect(204);
  });

  it('lets at most LOGIN_MAX_FAILURES of 20 parallel wrong guesses reach the password check', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => changeFrom('198.51.100.20', accessToken, wrong())),
    );
    expect(count(responses, 403)).toBeLessThanOrEqual(3);
    expect(count(responses, 403) + count(responses, 429)).toBe(20);
  });

  it('clears the count of its address on success, as a sign-in does', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const address = '198.51.100.30';
    for (let i = 0; i < 2; i++) await changeFrom(address, accessToken, wrong()).expect(403);
    await signInFrom(address, user.email, user.password).expect(200);
    for (let i = 0; i < 2; i++) await changeFrom(address, accessToken, wrong()).expect(403);
    await changeFrom(address, accessToken, user.password).expect(204);
  });
});

describe('POST /users/me/password is rate limited like sign-in', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: '1', AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('allows AUTH_RATE_LIMIT_PER_MINUTE requests a minute per address, then 429 too_many_requests', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const change = () =>
      t.http
        .post('/users/me/password')
        .set('x-forwarded-for', '192.0.2.44')
        .set(bearer(accessToken))
        .send({ currentPassword: wrong(), newPassword: newPassword() });
    for (let i = 0; i < 3; i++) await change().expect(403);
    expectRetryAfter(await change().expect(429), 'too_many_requests');
  });
});
