import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { bearer, refresh, signIn, type SignedIn } from './factories/session.factory.js';
import { loginAdmin, registerUser } from './factories/user.factory.js';
import { createAppQuietly, createTestApp, type TestApp } from './support/test-app.js';
import request from 'supertest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

describe('sessions: refresh rotation, reuse detection, logout, revocation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const newUser = async () => {
    const user = await registerUser(t.http);
    return {
      ...user,
      signIn: (agent = 'jest') => signIn(t.http, user.email, user.password, agent),
    };
  };
  const expectAccepted = (token: string) =>
    t.http.get('/auth/session').set(bearer(token)).expect(200);
  const expectRevoked = async (token: string) => {
    const response = await t.http.get('/auth/session').set(bearer(token)).expect(401);
    expect(response.body.code).toBe('token_revoked');
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  };
  /** The session's refresh tokens (all, and used) and why it was revoked, from the database. */
  const familyOf = async (sessionId: string) => {
    const [row] = await t.app.get(DataSource).query(
      `SELECT count(rt.id)::int AS tokens, count(rt.used_at)::int AS used, s.revoked_reason AS reason
         FROM sessions s LEFT JOIN refresh_tokens rt ON rt.session_id = s.id
        WHERE s.id = $1 GROUP BY s.id`,
      [sessionId],
    );
    return row as { tokens: number; used: number; reason: string | null };
  };
  const expectRefreshRefused = async (token: string, code: string) => {
    const response = await refresh(t.http, token).expect(401);
    expect(response.body.code).toBe(code);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
  };

  describe('login', () => {
    it('sets the refresh token as an HttpOnly, SameSite=Strict, Secure cookie on /auth', async () => {
      const session = await (await newUser()).signIn();
      const cookie = session.setCookie.find((value) => value.startsWith('refresh_token='));
      expect(cookie).toBeDefined();
      expect(cookie).toContain(`refresh_token=${session.refreshToken}`);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\/auth(;|$)/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; Expires=/);
    });

    it('opens a new session at every sign-in', async () => {
      const user = await newUser();
      const [a, b] = [await user.signIn(), await user.signIn()];
      expect(a.sessionId).not.toBe(b.sessionId);
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates: a new pair, the new access token works and carries the same session', async () => {
      const session = await (await newUser()).signIn();
      const response = await refresh(t.http, session.refreshToken).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
      expect(response.body.refreshToken).not.toBe(session.refreshToken);
      expect(response.body.accessToken).not.toBe(session.accessToken);
      const me = await expectAccepted(response.body.accessToken);
      expect(me.body.sessionId).toBe(session.sessionId);
      expect(([] as string[]).concat(response.headers['set-cookie'])).toEqual(
        expect.arrayContaining([
          expect.stringContaining(`refresh_token=${response.body.refreshToken}`),
        ]),
      );
    });

    it('treats a reused token as theft: 401 refresh_token_reused and the whole family revoked', async () => {
      const session = await (await newUser()).signIn();
      const rotated = (await refresh(t.http, session.refreshToken).expect(200)).body;

      await expectRefreshRefused(session.refreshToken, 'refresh_token_reused');

      await expectRefreshRefused(rotated.refreshToken, 'invalid_grant');
      await expectRevoked(rotated.accessToken);
      await expectRevoked(session.accessToken);
    });

    it('lets exactly one of 20 concurrent refreshes with one token succeed', async () => {
      const session = await (await newUser()).signIn();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => refresh(t.http, session.refreshToken)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(19);
      // The others are reuse: the session, and so the winner's new pair, is revoked.
      const refused = responses.filter((response) => response.status === 401);
      expect(refused.map((response) => response.body.code)).toEqual(
        Array(19).fill('refresh_token_reused'),
      );
      const winner = responses.find((response) => response.status === 200)!.body;
      await expectRevoked(winner.accessToken);
      await expectRefreshRefused(winner.refreshToken, 'invalid_grant');
      expect(await familyOf(session.sessionId)).toEqual({
        tokens: 2,
        used: 1,
        reason: 'refresh_token_reused',
      });
    });

    it('revokes the session when the token of a disabled account is presented', async () => {
      const user = await newUser();
      const session = await user.signIn();
      // Behind the API's back, so that the refresh itself must notice (the admin route would
      // already have revoked the session).
      await t.app
        .get(DataSource)
        .query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
      await expectRevoked(session.accessToken);
      expect(await familyOf(session.sessionId)).toEqual({
        tokens: 1,
        used: 0,
        reason: 'user_disabled',
      });
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
    });

    it('revokes the session when the token of a deleted account is presented', async () => {
      const user = await newUser();
      const session = await user.signIn();
      await t.app.get(DataSource).query('DELETE FROM users WHERE id = $1', [user.id]);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
      await expectRevoked(session.accessToken);
    });

    it('refuses the token of a session ended by logout without a new revocation or successor', async () => {
      const session = await (await newUser()).signIn();
      await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
      expect(await familyOf(session.sessionId)).toEqual({ tokens: 1, used: 0, reason: 'logout' });
    });

    it('accepts the refresh token from the cookie alone', async () => {
      const session = await (await newUser()).signIn();
      const response = await t.http
        .post('/auth/refresh')
        .set('cookie', `refresh_token=${session.refreshToken}`)
        .expect(200);
      await expectAccepted(response.body.accessToken);
      await expectRefreshRefused(session.refreshToken, 'refresh_token_reused');
    });

    it('refuses a missing, unknown or malformed refresh token with 401 invalid_grant', async () => {
      const response = await t.http.post('/auth/refresh').expect(401);
      expect(response.body.code).toBe('invalid_grant');
      await expectRefreshRefused('A'.repeat(43), 'invalid_grant');
      await expectRefreshRefused('not a token', 'invalid_grant');
    });

    it('rejects a non-string or oversized refresh token with 400', async () => {
      await t.http.post('/auth/refresh').send({ refreshToken: 42 }).expect(400);
      await t.http
        .post('/auth/refresh')
        .send({ refreshToken: 'x'.repeat(5000) })
        .expect(400);
      await t.http.post('/auth/refresh').send({ refreshToken: 'x', extra: 1 }).expect(400);
    });

    it('does not take an access token for a refresh token, nor the reverse', async () => {
      const session = await (await newUser()).signIn();
      await expectRefreshRefused(session.accessToken, 'invalid_grant');
      const response = await t.http
        .get('/auth/session')
        .set(bearer(session.refreshToken))
        .expect(401);
      expect(response.body.code).toBe('invalid_token');
      await expectAccepted(session.accessToken);
    });

    it('gives the new access token the roles the user has now', async () => {
      const user = await newUser();
      const session = await user.signIn();
      const admin = await loginAdmin(t.http);
      // Granting a role ends the user's sessions: the next sign-in carries it.
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
      const promoted = await user.signIn();
      const rotated = (await refresh(t.http, promoted.refreshToken).expect(200)).body;
      const me = await expectAccepted(rotated.accessToken);
      expect(me.body.roles).toEqual(['user', 'admin']);
    });
  });

  describe('logout', () => {
    it('POST /auth/logout revokes the session at once: access and refresh token refused, cookie cleared', async () => {
      const session = await (await newUser()).signIn();
      const response = await t.http
        .post('/auth/logout')
        .set(bearer(session.accessToken))
        .expect(204);
      expect(([] as string[]).concat(response.headers['set-cookie'])).toEqual(
        expect.arrayContaining([expect.stringMatching(/^refresh_token=;.*Path=\/auth/)]),
      );
      await expectRevoked(session.accessToken);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
    });

    it('POST /auth/logout leaves the user’s other sessions alone', async () => {
      const user = await newUser();
      const [a, b] = [await user.signIn(), await user.signIn()];
      await t.http.post('/auth/logout').set(bearer(a.accessToken)).expect(204);
      await expectAccepted(b.accessToken);
      await refresh(t.http, b.refreshToken).expect(200);
    });

    it('POST /auth/logout-all revokes every session of the user, and only theirs', async () => {
      const user = await newUser();
      const sessions = [await user.signIn(), await user.signIn(), await user.signIn()];
      const bystander = await (await newUser()).signIn();
      await t.http.post('/auth/logout-all').set(bearer(sessions[0].accessToken)).expect(204);
      for (const session of sessions) {
        await expectRevoked(session.accessToken);
        await expectRefreshRefused(session.refreshToken, 'invalid_grant');
      }
      await expectAccepted(bystander.accessToken);
    });

    it('requires a token', async () => {
      await t.http.post('/auth/logout').expect(401);
      await t.http.post('/auth/logout-all').expect(401);
    });
  });

  describe('GET /auth/sessions and DELETE /auth/sessions/:id', () => {
    it('lists the caller’s active sessions with exactly one current', async () => {
      const user = await newUser();
      const phone = await user.signIn('phone');
      const laptop = await user.signIn('laptop');
      const gone = await user.signIn('old tablet');
      await t.http.post('/auth/logout').set(bearer(gone.accessToken)).expect(204);

      const response = await t.http
        .get('/auth/sessions')
        .set(bearer(laptop.accessToken))
        .expect(200);
      expect(response.body).toHaveLength(2);
      expect(response.body.map((s: { id: string }) => s.id).sort()).toEqual(
        [phone.sessionId, laptop.sessionId].sort(),
      );
      expect(response.body.filter((s: { current: boolean }) => s.current)).toEqual([
        expect.objectContaining({ id: laptop.sessionId, userAgent: 'laptop' }),
      ]);
      for (const session of response.body) {
        expect(session).toEqual({
          id: expect.any(String),
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          expiresAt: expect.any(String),
          userAgent: expect.any(String),
          ip: expect.any(String),
          current: expect.any(Boolean),
        });
      }
    });

    it('revokes one of the caller’s sessions: 204, and its tokens stop working', async () => {
      const user = await newUser();
      const [mine, other] = [await user.signIn(), await user.signIn()];
      await t.http
        .delete(`/auth/sessions/${other.sessionId}`)
        .set(bearer(mine.accessToken))
        .expect(204);
      await expectRevoked(other.accessToken);
      await expectRefreshRefused(other.refreshToken, 'invalid_grant');
      await expectAccepted(mine.accessToken);
    });

    it('answers 404 for another user’s session (and leaves it alone), 400 for a malformed id', async () => {
      const victim = await (await newUser()).signIn();
      const attacker = await (await newUser()).signIn();
      const response = await t.http
        .delete(`/auth/sessions/${victim.sessionId}`)
        .set(bearer(attacker.accessToken))
        .expect(404);
      expect(response.body.code).toBe('not_found');
      await t.http
        .delete(`/auth/sessions/${randomUUID()}`)
        .set(bearer(attacker.accessToken))
        .expect(404);
      await t.http.delete('/auth/sessions/nope').set(bearer(attacker.accessToken)).expect(400);
      await expectAccepted(victim.accessToken);
    });
  });

  describe('account changes end sessions', () => {
    let admin: string;
    beforeAll(async () => {
      admin = await loginAdmin(t.http);
    });

    it('a password change signs out every other session and keeps the current one', async () => {
      const user = await newUser();
      const [current, other] = [await user.signIn(), await user.signIn()];
      await t.http
        .post('/users/me/password')
        .set(bearer(current.accessToken))
        .send({ currentPassword: user.password, newPassword: 'a fresh long passphrase' })
        .expect(204);
      await expectRevoked(other.accessToken);
      await expectRefreshRefused(other.refreshToken, 'invalid_grant');
      await expectAccepted(current.accessToken);
      await refresh(t.http, current.refreshToken).expect(200);
    });

    it('disabling a user by an admin revokes their sessions, and refresh stays refused', async () => {
      const user = await newUser();
      const session = await user.signIn();
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      await expectRevoked(session.accessToken);
      await expectRefreshRefused(session.refreshToken, 'invalid_grant');
    });

    it('changing a user’s roles revokes their sessions; an unchanged role list does not', async () => {
      const user = await newUser();
      const session = await user.signIn();
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ roles: ['user'] })
        .expect(200);
      await expectAccepted(session.accessToken);
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      await expectRevoked(session.accessToken);
    });

    it('deleting a user revokes their access tokens (401, not a 404 from a dangling token)', async () => {
      const user = await newUser();
      const session = await user.signIn();
      await t.http.delete(`/users/${user.id}`).set(bearer(admin)).expect(204);
      await expectRevoked(session.accessToken);
      const me = await t.http.get('/users/me').set(bearer(session.accessToken)).expect(401);
      expect(me.body.code).toBe('token_revoked');
    });

    it('DELETE /users/:id/sessions (admin) revokes all of them; 404 unknown; 403 for non-admins', async () => {
      const user = await newUser();
      const sessions = [await user.signIn(), await user.signIn()];
      await t.http
        .delete(`/users/${user.id}/sessions`)
        .set(bearer(sessions[0].accessToken))
        .expect(403);
      await t.http.delete(`/users/${user.id}/sessions`).set(bearer(admin)).expect(204);
      for (const session of sessions) await expectRevoked(session.accessToken);
      await t.http.delete(`/users/${randomUUID()}/sessions`).set(bearer(admin)).expect(404);
      await t.http.delete(`/users/${user.id}/sessions`).expect(401);
    });
  });

  describe('across instances', () => {
    const connect = async (app: NestFastifyApplication) => {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      return request(app.getHttpServer());
    };
    const refusedWithin = async (http: ReturnType<typeof request>, token: string, ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const response = await http.get('/auth/session').set(bearer(token));
        if (response.status === 401) return Date.now();
        if (Date.now() > deadline) throw new Error(`still accepted after ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    /**
     * Runs `check` against a second instance on the same database. On the embedded database a
     * second instance cannot exist (it belongs to one process, whose revocations are local and
     * immediate), which is asserted instead.
     */
    const withSecondInstance = async (
      check: (other: ReturnType<typeof request>) => Promise<void>,
    ) => {
      if (!t.database.isServer) {
        await expect(createAppQuietly()).rejects.toThrow(/in use/);
        return;
      }
      const second = await createApp();
      try {
        await check(await connect(second));
      } finally {
        await second.close();
      }
    };

    it('a logout through one instance is refused by another within a second (server), or a second instance cannot exist (embedded)', async () => {
      await withSecondInstance(async (other) => {
        const session = await (await newUser()).signIn();
        await other.get('/auth/session').set(bearer(session.accessToken)).expect(200);
        const started = Date.now();
        await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
        expect(
          (await refusedWithin(other, session.accessToken, 1000)) - started,
        ).toBeLessThanOrEqual(1000);
      });
    });

    it('a reused refresh token revokes the session on another instance too (server)', async () => {
      await withSecondInstance(async (other) => {
        const session = await (await newUser()).signIn();
        const rotated = (await refresh(t.http, session.refreshToken).expect(200)).body;
        await other.get('/auth/session').set(bearer(rotated.accessToken)).expect(200);
        await expectRefreshRefused(session.refreshToken, 'refresh_token_reused');
        await refusedWithin(other, rotated.accessToken, 1000);
      });
    });

    it('after losing its LISTEN connection, an instance reconnects and learns what it missed (server)', async () => {
      await withSecondInstance(async (other) => {
        const session = await (await newUser()).signIn();
        // Cut every revocation feed of this database, then revoke while they are down.
        await t.app.get(DataSource).query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'sentinel-revocation-feed' AND datname = current_database()`,
        );
        await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
        await refusedWithin(other, session.accessToken, 10_000);
      });
    });
  });
});

export type { SignedIn };
