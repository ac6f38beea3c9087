import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { bearer, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const count = (responses: Response[], status: number) =>
  responses.filter((response) => response.status === status).length;

const wrong = () => `wrong-${randomUUID()}`;

/**
 * Issue 12, item 5. PASSWORD_HASH_QUEUE_MAX=1: with every core hashing, one argon2 run may wait; any more is
 * refused at once with 503 `server_busy` instead of joining an ever longer queue.
 */
describe('the bounded argon2 queue', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Refusals are 5xx, which the request log writes at error level: not wanted in test output.
    t = await createTestApp({
      PASSWORD_HASH_QUEUE_MAX: '1',
      LOGIN_MAX_FAILURES: '2',
      LOG_LEVEL: 'fatal',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectBusyOrNot = (responses: Response[], ok: number) => {
    for (const response of responses) {
      expect([ok, 503]).toContain(response.status);
      if (response.status === 503) {
        expect(response.body).toMatchObject({ statusCode: 503, code: 'server_busy' });
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(count(responses, 503)).toBeGreaterThan(0);
    expect(count(responses, ok)).toBeGreaterThan(0);
  };

  it('answers parallel sign-ins 200 or 503 server_busy, and a refused one costs no lockout attempt', async () => {
    const users = [];
    for (let i = 0; i < 24; i++) users.push(await registerUser(t.http));
    const responses = await Promise.all(
      users.map(({ email, password }) => t.http.post('/auth/login').send({ email, password })),
    );
    expectBusyOrNot(responses, 200);
    for (const [i, response] of responses.entries()) {
      if (response.status === 200) {
        const session = await t.http
          .get('/auth/session')
          .set(bearer(response.body.accessToken))
          .expect(200);
        expect(session.body.userId).toBe(users[i].id);
      } else {
        // LOGIN_MAX_FAILURES=2: had the refused attempt been counted, this failure would be the
        // second and lock the email, and the right password after it would get 429.
        await t.http
          .post('/auth/login')
          .send({ email: users[i].email, password: wrong() })
          .expect(401);
        const { email, password } = users[i];
        await t.http.post('/auth/login').send({ email, password }).expect(200);
      }
    }
  });

  it('answers parallel registrations 201 or 503 server_busy; a refused one creates nothing', async () => {
    const accounts = Array.from({ length: 16 }, () => ({
      email: `queue-${randomUUID()}@example.com`,
      password: `pw-${randomUUID()}`,
    }));
    const responses = await Promise.all(
      accounts.map((account) => t.http.post('/auth/register').send(account)),
    );
    expectBusyOrNot(responses, 201);
    for (const [i, response] of responses.entries()) {
      // A refused registration left no account behind: the email is free to register.
      if (response.status === 503)
        await t.http.post('/auth/register').send(accounts[i]).expect(201);
    }
  });

  it('answers parallel password changes 204 or 503 server_busy; a refused one changes nothing', async () => {
    const users = [];
    for (let i = 0; i < 12; i++) {
      const user = await registerUser(t.http);
      users.push({ ...user, ...(await signIn(t.http, user.email, user.password)) });
    }
    const responses = await Promise.all(
      users.map((user) =>
        t.http
          .post('/users/me/password')
          .set(bearer(user.accessToken))
          .send({ currentPassword: user.password, newPassword: `new-${randomUUID()}` }),
      ),
    );
    expectBusyOrNot(responses, 204);
    for (const [i, response] of responses.entries()) {
      const { email, password } = users[i];
      const expected = response.status === 503 ? 200 : 401;
      await t.http.post('/auth/login').send({ email, password }).expect(expected);
    }
  });
});
