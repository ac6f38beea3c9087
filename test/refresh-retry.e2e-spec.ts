import { DataSource } from 'typeorm';
import { bearer, refresh, signIn, type SignedIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The app with `REFRESH_RETRY_WINDOW=window`, started for the enclosing describe block, and what
 * its tests need.
 */
function withRetryWindow(window: string) {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_RETRY_WINDOW: window });
  });
  afterAll(async () => {
    await t?.close();
  });

  return {
    get http() {
      return t.http;
    },
    query: (sql: string, params: unknown[]) => t.app.get(DataSource).query(sql, params),
    async newSession(): Promise<SignedIn> {
      const user = await registerUser(t.http);
      return signIn(t.http, user.email, user.password);
    },
    refreshWithCookie: (token: string) =>
      t.http.post('/auth/refresh').set('cookie', `refresh_token=${token}`),
    /** The session's refresh tokens: how many, how many used, and why it was revoked. */
    async familyOf(sessionId: string) {
      const [row] = await t.app.get(DataSource).query(
        `SELECT count(rt.id)::int AS tokens, count(rt.used_at)::int AS used,
                s.revoked_reason AS reason
           FROM sessions s LEFT JOIN refresh_tokens rt ON rt.session_id = s.id
          WHERE s.id = $1 GROUP BY s.id`,
        [sessionId],
      );
      return row as { tokens: number; used: number; reason: string | null };
    },
    async expectRevoked(accessToken: string) {
      const response = await t.http.get('/auth/session').set(bearer(accessToken)).expect(401);
      expect(response.body.code).toBe('token_revoked');
    },
  };
}

const sidOf = (accessToken: string) =>
  JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid as string;

const cookieTokenOf = (headers: Record<string, unknown>) =>
  ([] as string[])
    .concat((headers['set-cookie'] as string[]) ?? [])
    .map((cookie) => /^refresh_token=([^;]*)/.exec(cookie)?.[1])
    .find(Boolean);

const expectReused = (response: { status: number; body: { code?: string } }) =>
  expect({ status: response.status, code: response.body.code }).toEqual({
    status: 401,
    code: 'refresh_token_reused',
  });

/** Issue 12, item 8: a refresh whose response was lost, presented again. */
describe('REFRESH_RETRY_WINDOW=0 (default): strict reuse detection', () => {
  const t = withRetryWindow('0');

  it('lets exactly one of 20 concurrent presentations through; the others are reuse', async () => {
    const session = await t.newSession();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => refresh(t.http, session.refreshToken)),
    );
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) expectReused(response);
    await t.expectRevoked(winners[0].body.accessToken);
    expect(await t.familyOf(session.sessionId)).toEqual({
      tokens: 2,
      used: 1,
      reason: 'refresh_token_reused',
    });
  });

  it('treats a second presentation through the cookie as reuse, and stores no successor', async () => {
    const session = await t.newSession();
    const first = await t.refreshWithCookie(session.refreshToken).expect(200);
    const [row] = await t.query(
      'SELECT successor_sealed FROM refresh_tokens WHERE session_id = $1 AND used_at IS NOT NULL',
      [session.sessionId],
    );
    expect(row.successor_sealed).toBeNull();

    expectReused(await t.refreshWithCookie(session.refreshToken));
    await t.expectRevoked(first.body.accessToken);
  });
});

describe('REFRESH_RETRY_WINDOW=10s: a retry gets the same successor', () => {
  const t = withRetryWindow('10s');

  it('answers a retry with the same successor, as one branch of the family', async () => {
    const session = await t.newSession();
    const first = await refresh(t.http, session.refreshToken).expect(200);

    const retry = await refresh(t.http, session.refreshToken).expect(200);

    expect(retry.body.refreshToken).toBe(first.body.refreshToken);
    expect(retry.body.refreshExpiresAt).toBe(first.body.refreshExpiresAt);
    expect(cookieTokenOf(retry.headers)).toBe(first.body.refreshToken);
    // A newly signed access token for the same session (same claims, its own jti and iat).
    expect(sidOf(retry.body.accessToken)).toBe(session.sessionId);
    await t.http.get('/auth/session').set(bearer(retry.body.accessToken)).expect(200);
    expect(await t.familyOf(session.sessionId)).toEqual({ tokens: 2, used: 1, reason: null });
    // The successor goes on as usual.
    await refresh(t.http, first.body.refreshToken).expect(200);
  });

  it('gives 20 concurrent presentations the same pair, and leaves one live token that works', async () => {
    const session = await t.newSession();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => refresh(t.http, session.refreshToken)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const successors = new Set(responses.map((response) => response.body.refreshToken));
    expect(successors.size).toBe(1);
    expect(await t.familyOf(session.sessionId)).toEqual({ tokens: 2, used: 1, reason: null });
    const [successor] = successors;
    const next = await refresh(t.http, successor).expect(200);
    await t.http.get('/auth/session').set(bearer(next.body.accessToken)).expect(200);
  });

  it('does the same through the refresh cookie', async () => {
    const session = await t.newSession();
    const first = await t.refreshWithCookie(session.refreshToken).expect(200);

    const retry = await t.refreshWithCookie(session.refreshToken).expect(200);

    expect(cookieTokenOf(retry.headers)).toBe(cookieTokenOf(first.headers));
    expect(retry.body.refreshToken).toBe(first.body.refreshToken);
  });

  it('keeps the successor sealed: the database holds nothing of it in the clear', async () => {
    const session = await t.newSession();
    const successor = (await refresh(t.http, session.refreshToken).expect(200)).body.refreshToken;

    const rows: { successor_sealed: Buffer | null }[] = await t.query(
      'SELECT successor_sealed FROM refresh_tokens WHERE session_id = $1',
      [session.sessionId],
    );
    const sealed = rows.map((row) => row.successor_sealed).filter(Boolean) as Buffer[];
    expect(sealed).toHaveLength(1);
    for (const encoding of ['latin1', 'hex', 'base64', 'base64url'] as const) {
      expect(sealed[0].toString(encoding)).not.toContain(successor);
    }
  });

  it('is reuse once the successor itself was used: the session is revoked', async () => {
    const session = await t.newSession();
    const first = await refresh(t.http, session.refreshToken).expect(200);
    const second = await refresh(t.http, first.body.refreshToken).expect(200);

    expectReused(await refresh(t.http, session.refreshToken));

    await t.expectRevoked(second.body.accessToken);
    await refresh(t.http, second.body.refreshToken).expect(401);
    expect((await t.familyOf(session.sessionId)).reason).toBe('refresh_token_reused');
  });

  it('is reuse after the window: the session is revoked', async () => {
    const session = await t.newSession();
    const first = await refresh(t.http, session.refreshToken).expect(200);
    // As if the window had passed: the token was spent a minute ago.
    await t.query(
      `UPDATE refresh_tokens SET used_at = used_at - interval '1 minute'
          WHERE session_id = $1 AND used_at IS NOT NULL`,
      [session.sessionId],
    );

    expectReused(await refresh(t.http, session.refreshToken));

    await t.expectRevoked(first.body.accessToken);
    await refresh(t.http, first.body.refreshToken).expect(401);
  });

  it('returns nothing for a session that ended meanwhile', async () => {
    const session = await t.newSession();
    const first = await refresh(t.http, session.refreshToken).expect(200);
    await t.http.post('/auth/logout').set(bearer(first.body.accessToken)).expect(204);

    const retry = await refresh(t.http, session.refreshToken).expect(401);

    expect(retry.body.code).toBe('invalid_grant');
  });
});
