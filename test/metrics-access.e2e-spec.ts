import { randomBytes } from 'node:crypto';
import { MetricsServer } from '../src/observability/metrics-server.js';
import { bearer, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { freePort } from './support/free-port.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const METRICS_TOKEN = randomBytes(24).toString('base64url');

describe('protecting /metrics: METRICS_TOKEN and METRICS_PORT', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('with METRICS_TOKEN, refuses a scrape without it, with a wrong one or with a user token, in the usual 401', async () => {
    const missing = await t.http.get('/metrics').expect(401);
    expect(missing.body).toMatchObject({ statusCode: 401, code: 'missing_token' });
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
    expect(missing.text).not.toContain('process_cpu');

    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const wrongTokens = [
      `${METRICS_TOKEN.slice(0, -1)}${METRICS_TOKEN.endsWith('x') ? 'y' : 'x'}`,
      METRICS_TOKEN.slice(0, 8),
      `${METRICS_TOKEN}${METRICS_TOKEN}`,
      accessToken,
    ];
    for (const token of wrongTokens) {
      const wrong = await t.http.get('/metrics').set(bearer(token)).expect(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'invalid_token' });
      expect(wrong.headers['www-authenticate']).toMatch(
        /^Bearer realm="sentinel", error="invalid_token"/,
      );
    }
    // The token in another scheme is not the bearer token.
    await t.http.get('/metrics').set('authorization', `Basic ${METRICS_TOKEN}`).expect(401);

    const scraped = await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
    expect(scraped.text).toContain('process_cpu_user_seconds_total');
  });

  it('with METRICS_PORT, serves /metrics there only, under the same token, and not on the API port', async () => {
    const port = await freePort();
    t = await t.restart({ METRICS_TOKEN, METRICS_PORT: String(port) });
    expect(t.app.get(MetricsServer).port).toBe(port);
    const api = await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(404);
    expect(api.body).toMatchObject({ code: 'not_found' });

    const origin = `http://127.0.0.1:${port}`;
    const refused = await fetch(`${origin}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="sentinel"');
    expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'missing_token' });

    const scraped = await fetch(`${origin}/metrics?x=1`, { headers: bearer(METRICS_TOKEN) });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await scraped.text()).toContain('process_cpu_user_seconds_total');

    const elsewhere = await fetch(`${origin}/users/me`, { headers: bearer(METRICS_TOKEN) });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
  });
});
