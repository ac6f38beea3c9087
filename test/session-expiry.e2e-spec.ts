import { DataSource } from 'typeorm';
import { SessionsCleanup } from '../src/tokens/sessions-cleanup.js';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lifetimes of seconds instead of days, so expiry is observed without long waits. */
describe('expiry of access tokens, refresh tokens and sessions; the cleanup job', () => {
  let t: TestApp;
  let user: { email: string; password: string };

  beforeAll(async () => {
    t = await createTestApp({
      // Long enough that the first use is inside it even on a loaded CI machine.
      ACCESS_TOKEN_TTL: '4s',
      JWT_CLOCK_TOLERANCE: '0',
      REFRESH_TOKEN_TTL: '3s',
      SESSION_MAX_AGE: '4s',
    });
    user = await registerUser(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an access token past its expiry with token_expired', async () => {
    const session = await signIn(t.http, user.email, user.password);
    await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(200);
    await sleep(4200);
    const response = await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
    expect(response.body.code).toBe('token_expired');
  });

  it('refuses a refresh token past its (sliding) expiry with invalid_grant', async () => {
    const session = await signIn(t.http, user.email, user.password);
    await sleep(3200);
    const response = await refresh(t.http, session.refreshToken).expect(401);
    expect(response.body.code).toBe('invalid_grant');
  });

  it('ends a session at its maximum age however often it is refreshed (session_expired)', async () => {
    const session = await signIn(t.http, user.email, user.password);
    await sleep(1500);
    const rotated = await refresh(t.http, session.refreshToken).expect(200);
    // The successor cannot outlive the session (4 s), though its own lifetime (3 s) would.
    const sessionEnd = Date.parse(rotated.body.refreshExpiresAt);
    expect(sessionEnd).toBeLessThanOrEqual(Date.now() + 2600);
    await sleep(Math.max(0, sessionEnd - Date.now()) + 300);
    // The hourly cleanup may run between the session's end and the refresh: it keeps the token
    // (and the answer) for the longest access-token lifetime, 4 s here.
    await t.app.get(SessionsCleanup).run();
    const response = await refresh(t.http, rotated.body.refreshToken).expect(401);
    expect(response.body.code).toBe('session_expired');
  });

  it('deletes refresh tokens and sessions ended before the retention in batches, and nothing live', async () => {
    const dataSource = t.app.get(DataSource);
    // 2,500 expired tokens: more than two batches of 1,000.
    const [ended] = await dataSource.query(
      `INSERT INTO sessions (user_id, expires_at, created_at, user_stamp)
       VALUES (NULL, now() - interval '1 hour', now() - interval '2 hours', now() - interval '2 hours')
       RETURNING id`,
    );
    await dataSource.query(
      `INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
       SELECT $1, md5(g::text) || md5((g + 1)::text), now() - interval '1 minute'
         FROM generate_series(1, 2500) g`,
      [ended.id],
    );
    const live = await signIn(t.http, user.email, user.password);

    const deleted = await t.app.get(SessionsCleanup).run();

    expect(deleted.refreshTokens).toBeGreaterThanOrEqual(2500);
    expect(deleted.sessions).toBeGreaterThanOrEqual(1);
    const [left] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM refresh_tokens
                WHERE expires_at < now() - interval '10 seconds') AS expired_tokens,
              (SELECT count(*)::int FROM sessions WHERE id = $1) AS ended_session`,
      [ended.id],
    );
    expect(left).toEqual({ expired_tokens: 0, ended_session: 0 });
    await refresh(t.http, live.refreshToken).expect(200);
  });
});
