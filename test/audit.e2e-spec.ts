import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, refresh, signIn, type SignedIn } from './factories/session.factory.js';
import { createUser, loginAdmin, registerUser, uniqueEmail } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface AuditEventBody {
  id: string;
  type: string;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

/** Where the requests of this file come from (TRUST_PROXY is on, so X-Forwarded-For counts). */
const IP = '203.0.113.7';
const USER_AGENT = 'audit-e2e/1.0 (+https://example.com)';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `read()` again until `done` says yes or 2 s have passed; returns the last value for the test to
 * assert on. Events are written after the response, so tests poll rather than sleep.
 */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(25);
  }
}

/** What `details` may hold: nothing else is ever stored (never a password or a token). */
const DETAIL_KEYS = ['email', 'sessionId', 'lockedUntil', 'sessionIds', 'reason', 'from', 'to'];

/** An event as listed, with the fields every event of this file has. */
const event = (fields: Partial<AuditEventBody>) => ({
  id: expect.stringMatching(/^[0-9a-f-]{36}$/),
  actorId: null,
  ip: IP,
  userAgent: USER_AGENT,
  details: {},
  createdAt: expect.any(String),
  ...fields,
});

describe('audit trail', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  /** Every password and token this file sends: none may appear in a stored event. */
  const secrets: string[] = [];
  /** Events already checked, so each step looks only at what it caused. */
  const seen = new Set<string>();

  /** A request from the test's client: its address and user agent. */
  const from = (request: Test) => request.set('user-agent', USER_AGENT).set('x-forwarded-for', IP);

  const list = (query: string, token = admin) =>
    t.http.get(`/audit-events?${query}`).set(bearer(token));

  /** The events about `userId` not seen before, sorted by type, once there are `count`. */
  async function newEvents(userId: string, count: number): Promise<AuditEventBody[]> {
    const fresh = await eventually(
      async () => {
        const { body } = await list(`userId=${userId}&limit=100`).expect(200);
        return (body.items as AuditEventBody[]).filter((item) => !seen.has(item.id));
      },
      (items) => items.length >= count,
    );
    for (const item of fresh) seen.add(item.id);
    return fresh.sort((a, b) => a.type.localeCompare(b.type));
  }

  async function login(email: string, password: string): Promise<SignedIn> {
    secrets.push(password);
    const response = await from(t.http.post('/auth/login')).send({ email, password }).expect(200);
    const { accessToken, refreshToken } = response.body;
    secrets.push(accessToken, refreshToken);
    const sessionId = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString())
      .sid as string;
    return { accessToken, refreshToken, sessionId, setCookie: [] };
  }

  async function newUser() {
    const user = await registerUser(t.http);
    secrets.push(user.password);
    return user;
  }

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' });
    admin = await loginAdmin(t.http);
    secrets.push(admin);
    adminId = (await t.http.get('/users/me').set(bearer(admin)).expect(200)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('what is recorded', () => {
    it('a failed sign-in, under the account of the email typed, then a successful one', async () => {
      const user = await newUser();
      const wrong = `wrong-${randomUUID()}`;
      secrets.push(wrong);
      await from(t.http.post('/auth/login'))
        .send({ email: user.email.toUpperCase(), password: wrong })
        .expect(401);
      expect(await newEvents(user.id, 1)).toEqual([
        event({ type: 'login_failed', userId: user.id, details: { email: user.email } }),
      ]);

      const session = await login(user.email, user.password);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'login_succeeded',
          userId: user.id,
          actorId: user.id,
          details: { email: user.email, sessionId: session.sessionId },
        }),
      ]);
    });

    it('a failed sign-in with an unknown email, with no account', async () => {
      const email = uniqueEmail('nobody');
      await from(t.http.post('/auth/login'))
        .send({ email, password: 'not-a-real-password' })
        .expect(401);
      const found = await eventually(
        async () => {
          const { body } = await list('type=login_failed&limit=100').expect(200);
          return (body.items as AuditEventBody[]).find((item) => item.details.email === email);
        },
        (item) => item !== undefined,
      );
      expect(found).toEqual(event({ type: 'login_failed', userId: null, details: { email } }));
    });

    it('a lockout at LOGIN_MAX_FAILURES, and the attempts refused while locked', async () => {
      const user = await newUser();
      const guess = { email: user.email, password: `guess-${randomUUID()}` };
      secrets.push(guess.password);
      for (let attempt = 1; attempt <= 3; attempt++) {
        await from(t.http.post('/auth/login')).send(guess).expect(401);
      }
      const failed = event({
        type: 'login_failed',
        userId: user.id,
        details: { email: user.email },
      });
      const locked = await newEvents(user.id, 4);
      expect(locked).toEqual([
        failed,
        failed,
        failed,
        event({
          type: 'login_locked_out',
          userId: user.id,
          details: { email: user.email, lockedUntil: expect.any(String) },
        }),
      ]);
      const lockedUntil = Date.parse(locked[3].details.lockedUntil as string);
      expect(lockedUntil).toBeGreaterThan(Date.now());

      // Even the right password is refused now, and that is recorded too.
      await from(t.http.post('/auth/login'))
        .send({ email: user.email, password: user.password })
        .expect(429);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'login_refused_locked',
          userId: user.id,
          details: { email: user.email, lockedUntil: locked[3].details.lockedUntil },
        }),
      ]);
    });

    it('a refresh-token reuse, without an actor, and the session it ended', async () => {
      const user = await newUser();
      const session = await login(user.email, user.password);
      await newEvents(user.id, 1);
      const rotated = await from(t.http.post('/auth/refresh'))
        .send({ refreshToken: session.refreshToken })
        .expect(200);
      secrets.push(rotated.body.accessToken, rotated.body.refreshToken);
      const reused = await from(t.http.post('/auth/refresh'))
        .send({ refreshToken: session.refreshToken })
        .expect(401);
      expect(reused.body.code).toBe('refresh_token_reused');

      expect(await newEvents(user.id, 2)).toEqual([
        event({
          type: 'refresh_token_reused',
          userId: user.id,
          details: { sessionId: session.sessionId },
        }),
        event({
          type: 'sessions_revoked',
          userId: user.id,
          details: { sessionIds: [session.sessionId], reason: 'refresh_token_reused' },
        }),
      ]);
    });

    it('logout, logout-all and revoking a session, by the user and by an administrator', async () => {
      const user = await newUser();
      const [first, second, third] = [
        await login(user.email, user.password),
        await login(user.email, user.password),
        await login(user.email, user.password),
      ];
      await newEvents(user.id, 3);

      await from(t.http.delete(`/auth/sessions/${second.sessionId}`))
        .set(bearer(first.accessToken))
        .expect(204);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'sessions_revoked',
          userId: user.id,
          actorId: user.id,
          details: { sessionIds: [second.sessionId], reason: 'revoked_by_user' },
        }),
      ]);

      await from(t.http.post('/auth/logout')).set(bearer(first.accessToken)).expect(204);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'logout',
          userId: user.id,
          actorId: user.id,
          details: { sessionIds: [first.sessionId], reason: 'logout' },
        }),
      ]);

      await from(t.http.delete(`/users/${user.id}/sessions`))
        .set(bearer(admin))
        .expect(204);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'sessions_revoked',
          userId: user.id,
          actorId: adminId,
          details: { sessionIds: [third.sessionId], reason: 'revoked_by_admin' },
        }),
      ]);

      const fourth = await login(user.email, user.password);
      await newEvents(user.id, 1);
      await from(t.http.post('/auth/logout-all')).set(bearer(fourth.accessToken)).expect(204);
      expect(await newEvents(user.id, 1)).toEqual([
        event({
          type: 'logout',
          userId: user.id,
          actorId: user.id,
          details: { sessionIds: [fourth.sessionId], reason: 'logout_all' },
        }),
      ]);
    });

    it('a password change by the user, and the other sessions it signed out', async () => {
      const user = await newUser();
      const [current, other] = [
        await login(user.email, user.password),
        await login(user.email, user.password),
      ];
      await newEvents(user.id, 2);
      const newPassword = `new-${randomUUID()}`;
      secrets.push(newPassword);
      await from(t.http.post('/users/me/password'))
        .set(bearer(current.accessToken))
        .send({ currentPassword: user.password, newPassword })
        .expect(204);

      expect(await newEvents(user.id, 2)).toEqual([
        event({ type: 'password_changed', userId: user.id, actorId: user.id }),
        event({
          type: 'sessions_revoked',
          userId: user.id,
          actorId: user.id,
          details: { sessionIds: [other.sessionId], reason: 'password_changed' },
        }),
      ]);
    });

    it('an administrator changing roles, disabling and deleting a user; the events outlive the user', async () => {
      const user = await newUser();
      const first = await login(user.email, user.password);
      await newEvents(user.id, 1);
      const patch = (body: Record<string, unknown>) =>
        from(t.http.patch(`/users/${user.id}`))
          .set(bearer(admin))
          .send(body)
          .expect(200);

      await patch({ roles: ['user', 'admin'] });
      expect(await newEvents(user.id, 2)).toEqual([
        event({
          type: 'roles_changed',
          userId: user.id,
          actorId: adminId,
          details: { from: ['user'], to: ['user', 'admin'] },
        }),
        event({
          type: 'sessions_revoked',
          userId: user.id,
          actorId: adminId,
          details: { sessionIds: [first.sessionId], reason: 'roles_changed' },
        }),
      ]);

      const second = await login(user.email, user.password);
      await newEvents(user.id, 1);
      await patch({ disabled: true });
      expect(await newEvents(user.id, 2)).toEqual([
        event({
          type: 'sessions_revoked',
          userId: user.id,
          actorId: adminId,
          details: { sessionIds: [second.sessionId], reason: 'user_disabled' },
        }),
        event({ type: 'user_disabled', userId: user.id, actorId: adminId }),
      ]);

      await from(t.http.delete(`/users/${user.id}`))
        .set(bearer(admin))
        .expect(204);
      expect(await newEvents(user.id, 1)).toEqual([
        event({ type: 'user_deleted', userId: user.id, actorId: adminId }),
      ]);
      await t.http.get(`/users/${user.id}`).set(bearer(admin)).expect(404);
      const history = await list(`userId=${user.id}&limit=100`).expect(200);
      expect(history.body.total).toBe(7);
    });
  });

  describe('GET /audit-events', () => {
    let subject: { id: string };

    beforeAll(async () => {
      // Five events about one user, one at a time: two failed sign-ins, then three sign-ins.
      const user = await newUser();
      for (const wrong of ['wrong-password-1', 'wrong-password-2']) {
        secrets.push(wrong);
        await from(t.http.post('/auth/login')).send({ email: user.email, password: wrong });
        await newEvents(user.id, 1);
      }
      for (let i = 0; i < 3; i++) {
        await login(user.email, user.password);
        await newEvents(user.id, 1);
      }
      subject = user;
    });

    it('answers admins with a page, newest first', async () => {
      const response = await list(`userId=${subject.id}`).expect(200);
      expect(response.body).toMatchObject({ total: 5, page: 1, limit: 20 });
      const items = response.body.items as AuditEventBody[];
      expect(items.map((item) => item.type)).toEqual([
        'login_succeeded',
        'login_succeeded',
        'login_succeeded',
        'login_failed',
        'login_failed',
      ]);
      const times = items.map((item) => Date.parse(item.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(Object.keys(items[0]).sort()).toEqual(
        ['id', 'type', 'userId', 'actorId', 'ip', 'userAgent', 'details', 'createdAt'].sort(),
      );
    });

    it('paginates: pages of `limit` that together are the whole list, in order', async () => {
      const all = (await list(`userId=${subject.id}`).expect(200)).body.items as AuditEventBody[];
      const pages = [];
      for (const page of [1, 2, 3]) {
        const response = await list(`userId=${subject.id}&page=${page}&limit=2`).expect(200);
        expect(response.body).toMatchObject({ total: 5, page, limit: 2 });
        pages.push(...response.body.items);
      }
      expect(pages.map((item) => item.id)).toEqual(all.map((item) => item.id));
      const past = await list(`userId=${subject.id}&page=4&limit=2`).expect(200);
      expect(past.body).toMatchObject({ items: [], total: 5 });
    });

    it('filters by user, by type, and by both', async () => {
      const byType = await list('type=login_failed&limit=100').expect(200);
      expect(byType.body.total).toBeGreaterThanOrEqual(7);
      expect(new Set(byType.body.items.map((item: AuditEventBody) => item.type))).toEqual(
        new Set(['login_failed']),
      );
      const both = await list(`userId=${subject.id}&type=login_failed`).expect(200);
      expect(both.body.total).toBe(2);
      for (const item of both.body.items) {
        expect(item).toMatchObject({ type: 'login_failed', userId: subject.id });
      }
      const nobody = await list(`userId=${randomUUID()}`).expect(200);
      expect(nobody.body).toMatchObject({ items: [], total: 0 });
    });

    it('answers 401 without a token, 403 to a non-admin', async () => {
      const anonymous = await t.http.get('/audit-events').expect(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
      const user = await createUser(t.http);
      const forbidden = await list('', user.accessToken).expect(403);
      expect(forbidden.body.code).toBe('insufficient_role');
    });

    it('answers 400 to an unknown type, a malformed userId or an unknown parameter', async () => {
      for (const [query, field] of [
        ['type=password_read', 'type'],
        ['type=', 'type'],
        ['userId=not-a-uuid', 'userId'],
        ['limit=1000', 'limit'],
        ['actorId=x', 'actorId'],
      ]) {
        const response = await list(query).expect(400);
        expect({
          query,
          code: response.body.code,
          field: response.body.details?.[0]?.field,
        }).toEqual({ query, code: 'validation_failed', field });
      }
    });
  });

  it('stores no password and no token, in any column of any event', async () => {
    const rows: { details: Record<string, unknown> }[] = await t.app
      .get(DataSource)
      .query('SELECT * FROM audit_events');
    expect(rows.length).toBeGreaterThan(30);
    const stored = JSON.stringify(rows);
    expect(secrets.length).toBeGreaterThan(30);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    const keys = new Set(rows.flatMap((row) => Object.keys(row.details)));
    expect([...keys].filter((key) => !DETAIL_KEYS.includes(key))).toEqual([]);
  });

  describe('writing never fails nor holds up the request it records', () => {
    it('does not wait for a write the database holds up (PostgreSQL server: a locked table)', async () => {
      if (!t.database.isServer) return; // PGlite runs one statement at a time: a lock blocks all.
      const user = await newUser();
      const session = await login(user.email, user.password);
      await newEvents(user.id, 1);
      const locker = new pg.Client({ connectionString: t.env.DATABASE_URL });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE');
        const newPassword = `locked-${randomUUID()}`;
        secrets.push(newPassword);
        const change = from(t.http.post('/users/me/password'))
          .set(bearer(session.accessToken))
          .send({ currentPassword: user.password, newPassword });
        const answer = await Promise.race([change, sleep(5_000).then(() => 'timed out')]);
        expect(answer).toMatchObject({ status: 204 });
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      // Written once the lock is gone.
      expect((await newEvents(user.id, 1)).map((item) => item.type)).toEqual(['password_changed']);
    });

    it('answers every recorded action as usual when the audit table is gone', async () => {
      await t.app.get(DataSource).query('DROP TABLE audit_events');
      const user = await newUser();
      await from(t.http.post('/auth/login'))
        .send({ email: user.email, password: 'wrong-password-0' })
        .expect(401);
      const session = await signIn(t.http, user.email, user.password, USER_AGENT);
      const other = await signIn(t.http, user.email, user.password, USER_AGENT);
      await refresh(t.http, other.refreshToken).expect(200);
      const reused = await refresh(t.http, other.refreshToken).expect(401);
      expect(reused.body.code).toBe('refresh_token_reused');
      await t.http
        .post('/users/me/password')
        .set(bearer(session.accessToken))
        .send({ currentPassword: user.password, newPassword: `new-${randomUUID()}` })
        .expect(204);
      await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ roles: ['user', 'admin'], disabled: true })
        .expect(200);
      await t.http.delete(`/users/${user.id}/sessions`).set(bearer(admin)).expect(204);
      await t.http.delete(`/users/${user.id}`).set(bearer(admin)).expect(204);
      // Every write of those failed (a warning in the log each), and no request noticed.
      const [{ table }] = await t.app
        .get(DataSource)
        .query(`SELECT to_regclass('audit_events') AS "table"`);
      expect(table).toBeNull();
    });
  });
});
