import { registerUser } from './factories/user.factory.js';
import { bearer, signIn } from './factories/session.factory.js';
import { postgresBinDir, TemporaryCluster } from './support/pg-cluster.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const bin = postgresBinDir();
if (!bin) {
  console.warn(
    'PostgreSQL server binaries not found under /usr/lib/postgresql: the outage test is skipped',
  );
}
const describeWithPostgres = bin ? describe : describe.skip;

const timed = async <T>(work: () => Promise<T>) => {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
};

/** The database goes away and comes back; the process stays up and recovers by itself. */
describeWithPostgres('PostgreSQL outage', () => {
  let cluster: TemporaryCluster;
  let t: TestApp;

  beforeAll(async () => {
    cluster = await TemporaryCluster.create(bin!);
    t = await createTestApp({ DATABASE_URL: cluster.url });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.destroy();
  });

  it('answers 503 quickly while the database is down, keeps token-only routes up, and recovers', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    await t.http.get('/users/me').set(bearer(accessToken)).expect(200);

    cluster.stop();

    const me = await timed(() => t.http.get('/users/me').set(bearer(accessToken)));
    expect(me.result.status).toBe(503);
    expect(me.result.body).toMatchObject({ statusCode: 503, code: 'service_unavailable' });
    expect(JSON.stringify(me.result.body)).not.toMatch(/\bat .+:\d+:\d+/);
    expect(me.ms).toBeLessThan(8000);

    const login = await timed(() =>
      t.http.post('/auth/login').send({ email: user.email, password: user.password }),
    );
    expect(login.result.status).toBe(503);
    expect(login.ms).toBeLessThan(8000);

    await t.http.get('/health/ready').expect(503);
    await t.http.get('/health/live').expect(200);
    // Verifying a token needs no database.
    const session = await t.http.get('/auth/session').set(bearer(accessToken)).expect(200);
    expect(session.body.userId).toBe(user.id);

    cluster.start();

    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await t.http.get('/users/me').set(bearer(accessToken))).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    // Readiness also waits for the revocation feed, which reconnects on its own backoff.
    while (Date.now() < deadline) {
      status = (await t.http.get('/health/ready')).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    await signIn(t.http, user.email, user.password);
  }, 90_000);
});
