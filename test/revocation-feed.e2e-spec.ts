import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../src/app.factory.js';
import { REVOCATION_FEED_APPLICATION } from '../src/tokens/revocation-feed.js';
import { bearer, signIn, type SignedIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { PgProxy } from './support/pg-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Short enough for a test to watch the feed die and come back. */
const FEED = { REVOCATION_FEED_HEARTBEAT: '1s', REVOCATION_FEED_TIMEOUT: '3s' };

/** Polls `path` until it answers `status`; fails after `ms`. */
async function until(http: TestAgent, path: string, status: number, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await http.get(path);
    if (response.status === status) return response;
    if (Date.now() > deadline) throw new Error(`${path} still ${response.status} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const expectRevoked = async (http: TestAgent, session: SignedIn) => {
  const response = await http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
  expect(response.body).toMatchObject({ code: 'token_revoked' });
};

/**
 * The feed is a LISTEN connection to a PostgreSQL server, which only the server run has: the
 * embedded database belongs to one process, which learns of its revocations directly (ADR 0004),
 * so there the file checks that readiness does not wait for a feed that does not exist.
 */
const onServer = Boolean(process.env.SENTINEL_TEST_SERVER_URL ?? process.env.DATABASE_URL);

if (onServer) {
  describe('revocation feed through a connection that can go silent (PostgreSQL server)', () => {
    let a: TestApp;
    let proxy: PgProxy;
    const others: NestFastifyApplication[] = [];

    /** Instance B, on the same database as A, reaching it through the proxy. */
    const createInstanceB = async () => {
      process.env.DATABASE_URL = proxy.url;
      try {
        const app = await createApp();
        others.push(app);
        return app;
      } finally {
        process.env.DATABASE_URL = a.env.DATABASE_URL;
      }
    };
    const serve = async (app: NestFastifyApplication) => {
      await app.getHttpAdapter().getInstance().ready();
      return request(app.getHttpServer());
    };
    const newSession = async () => {
      const user = await registerUser(a.http);
      return signIn(a.http, user.email, user.password);
    };

    beforeAll(async () => {
      a = await createTestApp(FEED);
      proxy = await PgProxy.start(a.env.DATABASE_URL, REVOCATION_FEED_APPLICATION);
    }, 60_000);
    afterEach(async () => {
      proxy.release();
      for (const app of others.splice(0)) await app.close();
    });
    afterAll(async () => {
      await proxy?.close();
      await a?.close();
    });

    it('listens before it loads: a revocation committed while it starts is not lost', async () => {
      const session = await newSession();
      // B's LISTEN connection waits at the proxy while A revokes the session.
      proxy.hold();
      const b = await createInstanceB();
      const listening = proxy.watchedConnection();
      const started = b.init();
      await listening;
      await a.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
      proxy.release();
      await started;
      await expectRevoked(await serve(b), session);
    }, 60_000);

    it('notices a silent feed, is not ready, then reconnects and refuses what was revoked meanwhile', async () => {
      const b = await createInstanceB();
      await b.init();
      const http = await serve(b);
      await until(http, '/health/ready', 200);
      const session = await newSession();
      await http.get('/auth/session').set(bearer(session.accessToken)).expect(200);

      proxy.hold();
      const notReady = await until(http, '/health/ready', 503);
      expect(notReady.body).toMatchObject({ statusCode: 503, code: 'service_unavailable' });
      expect(JSON.stringify(notReady.body)).toContain('revocationFeed');
      await a.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);

      proxy.release();
      const ready = await until(http, '/health/ready', 200);
      expect(ready.body).toMatchObject({ info: { revocationFeed: { status: 'up' } } });
      await expectRevoked(http, session);
    }, 90_000);
  });
} else {
  describe('revocation feed on the embedded database (one process, no LISTEN connection)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(FEED);
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('is ready without a feed, and refuses a revoked token at once', async () => {
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ info: { revocationFeed: { status: 'up' } } });
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      await t.http.post('/auth/logout').set(bearer(session.accessToken)).expect(204);
      await expectRevoked(t.http, session);
    });
  });
}
