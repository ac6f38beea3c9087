import { randomUUID } from 'node:crypto';
import { MetricsService } from '../src/observability/metrics.service.js';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { loginAdmin, registerUser, uniqueEmail } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample per line: `name{label="value",…} number`. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labels = '', value] = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
      const pairs = [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]);
      return { name, labels: Object.fromEntries(pairs), value: Number(value) };
    });
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value ?? 0;

describe('observability: structured logs and Prometheus metrics', () => {
  const lines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    // The most verbose level, so that anything the app can log is in the capture.
    t = await createTestApp(
      { LOG_LEVEL: 'verbose', LOGIN_MAX_FAILURES: '3' },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  /** pino-http writes a request's line when the response has gone: wait for it. */
  const logLineOf = async (requestId: string) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const line = lines.find((candidate) => candidate.includes(`"requestId":"${requestId}"`));
      if (line) return JSON.parse(line) as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log line with requestId ${requestId}`);
  };

  describe('logs', () => {
    it('has a JSON line per request with its request id, and no password, token or cookie', async () => {
      const ids = Object.fromEntries(
        ['register', 'login', 'refresh', 'password', 'me', 'invalid'].map((step) => [
          step,
          `obs-${step}-${randomUUID()}`,
        ]),
      );
      const email = uniqueEmail('logs');
      const password = `first-${randomUUID()}`;
      const newPassword = `second-${randomUUID()}`;
      const cookieValue = `cookie-${randomUUID()}`;

      await t.http
        .post('/auth/register')
        .set('x-request-id', ids.register)
        .send({ email, password })
        .expect(201);
      const login = await t.http
        .post('/auth/login')
        .set('x-request-id', ids.login)
        .send({ email, password })
        .expect(200);
      const refreshed = await t.http
        .post('/auth/refresh')
        .set('x-request-id', ids.refresh)
        .send({ refreshToken: login.body.refreshToken })
        .expect(200);
      await t.http
        .post('/users/me/password')
        .set(bearer(refreshed.body.accessToken))
        .set('x-request-id', ids.password)
        .send({ currentPassword: password, newPassword })
        .expect(204);
      await t.http
        .get('/users/me')
        .set(bearer(refreshed.body.accessToken))
        .set('cookie', `theme=${cookieValue}; refresh_token=${refreshed.body.refreshToken}`)
        .set('x-request-id', ids.me)
        .expect(200);
      // Refused before any handler runs, with the new password in the body.
      await t.http
        .post('/auth/login')
        .set('x-request-id', ids.invalid)
        .send({ email, password: newPassword, unexpected: true })
        .expect(400);

      expect(await logLineOf(ids.register)).toMatchObject({
        level: 30,
        msg: 'request completed',
        req: { method: 'POST', url: '/auth/register' },
        res: { statusCode: 201 },
        responseTime: expect.any(Number),
      });
      for (const [step, requestId] of Object.entries(ids)) {
        expect({ step, line: await logLineOf(requestId) }).toMatchObject({
          step,
          line: { requestId },
        });
      }
      expect((await logLineOf(ids.me)).req).toEqual({ method: 'GET', url: '/users/me' });

      const text = lines.join('');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const secrets: Record<string, string> = { password, newPassword, cookieValue };
      for (const [which, pair] of Object.entries({ first: login.body, rotated: refreshed.body })) {
        secrets[`${which} access token`] = pair.accessToken;
        // Its signature alone, should a token be logged cut short.
        secrets[`${which} access token signature`] = pair.accessToken.split('.')[2];
        secrets[`${which} refresh token`] = pair.refreshToken;
      }
      for (const [what, secret] of Object.entries(secrets)) {
        expect({ what, logged: text.includes(secret) }).toEqual({ what, logged: false });
      }
    });
  });

  describe('GET /metrics', () => {
    const scrape = async () => parseMetrics((await t.http.get('/metrics').expect(200)).text);

    it('is public Prometheus text, with the default process metrics', async () => {
      const response = await t.http.get('/metrics').expect(200);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parseMetrics(response.text);
      expect(samples.map((sample) => sample.name)).toEqual(
        expect.arrayContaining([
          'process_cpu_user_seconds_total',
          'process_resident_memory_bytes',
          'nodejs_eventloop_lag_seconds',
        ]),
      );
      expect(response.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    });

    it('counts sign-ins, refreshes and revoked sessions by outcome', async () => {
      const before = await scrape();
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: 'not the password' })
        .expect(401);
      await refresh(t.http, session.refreshToken).expect(200);
      await refresh(t.http, session.refreshToken).expect(401); // reused: the session is revoked
      await refresh(t.http, 'A'.repeat(43)).expect(401);
      const stranger = { email: uniqueEmail('locked'), password: 'not the password' };
      for (let attempt = 0; attempt < 3; attempt++) {
        await t.http.post('/auth/login').send(stranger).expect(401);
      }
      await t.http.post('/auth/login').send(stranger).expect(429);
      const after = await scrape();

      const increase = (name: string, labels: Record<string, string> = {}) =>
        valueOf(after, name, labels) - valueOf(before, name, labels);
      expect({
        loginSuccess: increase('sentinel_logins_total', { outcome: 'success' }),
        loginInvalid: increase('sentinel_logins_total', { outcome: 'invalid_credentials' }),
        loginLocked: increase('sentinel_logins_total', { outcome: 'locked' }),
        lockouts: increase('sentinel_login_lockouts_total'),
        refreshSuccess: increase('sentinel_token_refreshes_total', { outcome: 'success' }),
        refreshReused: increase('sentinel_token_refreshes_total', { outcome: 'reuse_detected' }),
        refreshRefused: increase('sentinel_token_refreshes_total', { outcome: 'refused' }),
        revokedAsStolen: increase('sentinel_sessions_revoked_total', {
          reason: 'refresh_token_reused',
        }),
      }).toEqual({
        loginSuccess: 1,
        loginInvalid: 4,
        loginLocked: 1,
        lockouts: 1,
        refreshSuccess: 1,
        refreshReused: 1,
        refreshRefused: 1,
        revokedAsStolen: 1,
      });
    });

    it('times requests by method, route pattern and status, never by the URL', async () => {
      const user = await registerUser(t.http);
      const session = await signIn(t.http, user.email, user.password);
      await t.http.get('/users/me').set(bearer(session.accessToken)).expect(200);
      const admin = await loginAdmin(t.http);
      const unknownId = randomUUID();
      await t.http.get(`/users/${unknownId}`).set(bearer(admin)).expect(404);
      await t.http.get(`/users/${user.id}`).set(bearer(admin)).expect(200);
      await t.http.get(`/no/such/${unknownId}`).expect(404);

      const response = await t.http.get('/metrics').expect(200);
      const samples = parseMetrics(response.text);
      const count = (labels: Record<string, string>) =>
        valueOf(samples, 'http_request_duration_seconds_count', labels);
      expect(count({ method: 'GET', route: '/users/me', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(count({ method: 'GET', route: '/users/:id', status: '404' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(count({ method: 'GET', route: '/users/:id', status: '200' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(response.text).not.toContain(unknownId);
      expect(response.text).not.toContain(user.id);
    });
  });

  describe('with METRICS_ENABLED=false', () => {
    let quiet: TestApp;

    beforeAll(async () => {
      quiet = await createTestApp({ METRICS_ENABLED: 'false' });
    });
    afterAll(async () => {
      await quiet?.close();
    });

    it('has no /metrics route and observes nothing', async () => {
      const response = await quiet.http.get('/metrics').expect(404);
      expect(response.body.code).toBe('not_found');
      expect(() => quiet.app.get(MetricsService)).toThrow();
    });
  });
});
