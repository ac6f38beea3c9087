import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { loginAdmin, registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12, item 1: a sign-in that overlaps a password change, a disable, a role change or a
 * delete must not keep a session. Each test starts the change and, in the same moment, a crowd
 * of sign-ins that read the account before the change; the argon2 queue spreads their finishes
 * across it. Afterwards nothing any of them got may still work.
 */
describe('the security stamp: changes to an account end sign-ins racing them', () => {
  let t: TestApp;
  let admin: string;
  const SIGN_INS = 24;

  beforeAll(async () => {
    // A crowd of 24 sign-ins with credentials that stop working must not lock the test's one
    // address out of the email: the steps after it sign in from there again.
    t = await createTestApp({ LOGIN_MAX_FAILURES: '50' });
    admin = await loginAdmin(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sign-ins with these credentials, started a few milliseconds apart. */
  const signInCrowd = (email: string, password: string) =>
    Promise.all(
      Array.from({ length: SIGN_INS }, async (_, i) => {
        await delay(i * 2);
        return t.http.post('/auth/login').send({ email, password });
      }),
    );

  /** The change, started once the first sign-ins have read the account and wait for argon2. */
  const soon = async <T>(change: () => PromiseLike<T>): Promise<T> => {
    await delay(15);
    return change();
  };

  /** Everything the crowd's successful sign-ins got is refused now. */
  const expectNothingSurvives = async (responses: { status: number; body: any }[]) => {
    // Refused ones may reach the lockout (429) once the old credentials stop working.
    for (const { status, body } of responses) {
      expect({ status, body }).toEqual({
        status: [200, 401, 429].includes(status) ? status : 0,
        body,
      });
    }
    const granted = responses.filter((response) => response.status === 200);
    for (const { body } of granted) {
      const session = await t.http.get('/auth/session').set(bearer(body.accessToken));
      expect(session.status).toBe(401);
      expect(session.body.code).toBe('token_revoked');
      const refreshed = await refresh(t.http, body.refreshToken);
      expect(refreshed.status).toBe(401);
      expect(refreshed.body.code).toBe('invalid_grant');
    }
    for (const response of responses.filter((response) => response.status !== 200)) {
      expect(response.body.code).toBe(
        response.status === 401 ? 'invalid_credentials' : 'too_many_attempts',
      );
    }
    return granted.length;
  };

  const liveSessionsOf = async (userId: string) => {
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`,
        [userId],
      );
    return row.live as number;
  };

  it(`a password change racing ${SIGN_INS} sign-ins with the old password leaves none of their sessions alive`, async () => {
    const user = await registerUser(t.http);
    const own = await signIn(t.http, user.email, user.password);
    const newPassword = `${user.password}-new`;
    const [change, crowd] = await Promise.all([
      t.http
        .post('/users/me/password')
        .set(bearer(own.accessToken))
        .send({ currentPassword: user.password, newPassword }),
      signInCrowd(user.email, user.password),
    ]);
    expect(change.status).toBe(204);
    await expectNothingSurvives(crowd);
    // Only the session that made the change is left, and it still refreshes.
    expect(await liveSessionsOf(user.id)).toBe(1);
    const kept = await refresh(t.http, own.refreshToken).expect(200);
    await t.http.get('/auth/session').set(bearer(kept.body.accessToken)).expect(200);
    await t.http
      .post('/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    await signIn(t.http, user.email, newPassword);
  });

  it(`a disable racing ${SIGN_INS} sign-ins leaves none of their sessions alive`, async () => {
    const user = await registerUser(t.http);
    const [disabled, crowd] = await Promise.all([
      soon(() => t.http.patch(`/users/${user.id}`).set(bearer(admin)).send({ disabled: true })),
      signInCrowd(user.email, user.password),
    ]);
    expect(disabled.status).toBe(200);
    await expectNothingSurvives(crowd);
    expect(await liveSessionsOf(user.id)).toBe(0);
  });

  it(`a demotion racing ${SIGN_INS} sign-ins leaves no token carrying admin accepted`, async () => {
    const user = await registerUser(t.http);
    await t.http
      .patch(`/users/${user.id}`)
      .set(bearer(admin))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    const [demoted, crowd] = await Promise.all([
      soon(() =>
        t.http
          .patch(`/users/${user.id}`)
          .set(bearer(admin))
          .send({ roles: ['user'] }),
      ),
      signInCrowd(user.email, user.password),
    ]);
    expect(demoted.status).toBe(200);
    // Sign-ins that read the account after the demotion are fine: their tokens carry no admin.
    const rolesOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).roles as string[];
    const granted = crowd.filter((response) => response.status === 200);
    const asAdmin = granted.filter(({ body }) => rolesOf(body.accessToken).includes('admin'));
    await expectNothingSurvives(asAdmin);
    for (const { body } of asAdmin) {
      await t.http.get('/users').set(bearer(body.accessToken)).expect(401);
    }
    for (const { body } of granted.filter((response) => !asAdmin.includes(response))) {
      await t.http.get('/users').set(bearer(body.accessToken)).expect(403);
      await refresh(t.http, body.refreshToken).expect(200);
    }
    const [row] = await t.app.get(DataSource).query(
      `SELECT count(*)::int AS live FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.user_stamp < u.sessions_valid_after`,
      [user.id],
    );
    expect(row.live).toBe(0);
    // Signing in again gives a token without the role.
    const fresh = await signIn(t.http, user.email, user.password);
    const forbidden = await t.http.get('/users').set(bearer(fresh.accessToken)).expect(403);
    expect(forbidden.body.code).toBe('insufficient_role');
  });

  it(`a delete racing ${SIGN_INS} sign-ins never answers 500 and leaves no session`, async () => {
    const user = await registerUser(t.http);
    const [deleted, crowd] = await Promise.all([
      soon(() => t.http.delete(`/users/${user.id}`).set(bearer(admin))),
      signInCrowd(user.email, user.password),
    ]);
    expect(deleted.status).toBe(204);
    await expectNothingSurvives(crowd);
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS live FROM sessions WHERE user_id IS NULL AND revoked_at IS NULL`,
      );
    expect(row.live).toBe(0);
  });

  it('refresh refuses, and revokes, a session opened under an older stamp, even if nothing revoked it', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    // As if an instance stopped between moving the stamp and revoking the sessions.
    await t.app
      .get(DataSource)
      .query(
        `UPDATE users SET sessions_valid_after = sessions_valid_after + interval '1 second' WHERE id = $1`,
        [user.id],
      );
    const refused = await refresh(t.http, session.refreshToken).expect(401);
    expect(refused.body.code).toBe('invalid_grant');
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT revoked_reason FROM sessions WHERE id = $1`, [session.sessionId]);
    expect(row.revoked_reason).toBe('credentials_changed');
    const revoked = await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
    expect(revoked.body.code).toBe('token_revoked');
  });
});

describe('the last active administrator', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const activeAdmins = async () => {
    const [row] = await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL`,
      );
    return row.n as number;
  };

  const promote = async (root: string) => {
    const user = await registerUser(t.http);
    await t.http
      .patch(`/users/${user.id}`)
      .set(bearer(root))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    return { id: user.id, token: (await signIn(t.http, user.email, user.password)).accessToken };
  };

  /** Two new administrators, signed in, and the bootstrap one demoted: they are the only two. */
  const twoAdmins = async () => {
    const root = await loginAdmin(t.http);
    const [rootRow] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM users WHERE email = 'root@sentinel.test'`);
    const a = await promote(root);
    const b = await promote(root);
    await t.http
      .patch(`/users/${rootRow.id}`)
      .set(bearer(a.token))
      .send({ roles: ['user'] })
      .expect(200);
    expect(await activeAdmins()).toBe(2);
    return [a, b];
  };

  // The bootstrap administrator back, alone, for the next test.
  afterEach(async () => {
    const db = t.app.get(DataSource);
    await db.query(
      `UPDATE users SET roles = '{user,admin}', disabled_at = NULL WHERE email = 'root@sentinel.test'`,
    );
    await db.query(`UPDATE users SET roles = '{user}' WHERE email <> 'root@sentinel.test'`);
  });

  it.each([
    [
      'demote',
      (http: TestApp['http'], id: string, token: string) =>
        http
          .patch(`/users/${id}`)
          .set(bearer(token))
          .send({ roles: ['user'] }),
    ],
    [
      'disable',
      (http: TestApp['http'], id: string, token: string) =>
        http.patch(`/users/${id}`).set(bearer(token)).send({ disabled: true }),
    ],
    [
      'delete',
      (http: TestApp['http'], id: string, token: string) =>
        http.delete(`/users/${id}`).set(bearer(token)),
    ],
  ])(
    'two administrators who %s each other at the same moment: one wins, the other gets 409 last_admin',
    async (_, act) => {
      const [a, b] = await twoAdmins();
      const responses = await Promise.all([act(t.http, b.id, a.token), act(t.http, a.id, b.token)]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses[0]).toBeLessThan(300);
      expect(statuses[1]).toBe(409);
      const refused = responses.find((response) => response.status === 409)!;
      expect(refused.body.code).toBe('last_admin');
      expect(await activeAdmins()).toBe(1);
    },
  );

  it('an administrator can still demote another while one is left', async () => {
    const [a, b] = await twoAdmins();
    await t.http
      .patch(`/users/${b.id}`)
      .set(bearer(a.token))
      .send({ roles: ['user'] })
      .expect(200);
    expect(await activeAdmins()).toBe(1);
  });
});
