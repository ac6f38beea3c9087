import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { RevokedSessions } from '../src/tokens/revoked-sessions.js';
import { SessionsCleanup } from '../src/tokens/sessions-cleanup.js';
import { bearer, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * A revocation must be remembered as long as any access token carrying the session can be
 * valid: by the lifetime it was issued with, not the one an instance happens to run with now.
 */
describe('revocations outlive a lowered ACCESS_TOKEN_TTL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_TOKEN_TTL: '1h', JWT_CLOCK_TOLERANCE: '0' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('still refuses a 1 h token revoked 10 minutes ago after a restart with a 5 minute TTL, through sweep and cleanup', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
    // As if the logout were ten minutes old: the token still has 50 minutes to live.
    await t.app
      .get(DataSource)
      .query(`UPDATE sessions SET revoked_at = now() - interval '10 minutes' WHERE id = $1`, [
        session.sessionId,
      ]);

    t = await t.restart({ ACCESS_TOKEN_TTL: '5m' });
    const refused = await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
    expect(refused.body).toMatchObject({ code: 'token_revoked' });

    t.app.get(RevokedSessions).sweep();
    await t.app.get(SessionsCleanup).run();
    t = await t.restart({ ACCESS_TOKEN_TTL: '5m' });
    await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
  }, 60_000);

  // Two instances at once need a PostgreSQL server: the embedded database belongs to one process,
  // where the restart above is how lifetimes come to differ.
  if (process.env.SENTINEL_TEST_SERVER_URL ?? process.env.DATABASE_URL) {
    it('an instance with a 5 minute TTL keeps a revocation for as long as a 1 h instance beside it issues tokens (server)', async () => {
      t = await t.restart({ ACCESS_TOKEN_TTL: '1h' });
      process.env.ACCESS_TOKEN_TTL = '5m';
      const short = await createApp();
      try {
        await short.init();
        const user = await registerUser(t.http);
        const session = await signIn(t.http, user.email, user.password);
        await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
        const revoked = short.get(RevokedSessions);
        // Learned through the feed, a few milliseconds after the logout's commit.
        for (let tries = 0; !revoked.has(session.sessionId) && tries < 100; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // Ten minutes on: past the short instance's own TTL, within the 1 h token's life.
        revoked.sweep(Date.now() + 10 * 60_000);
        expect(revoked.has(session.sessionId)).toBe(true);
      } finally {
        await short.close();
        process.env.ACCESS_TOKEN_TTL = '1h';
      }
    }, 60_000);
  }
});
