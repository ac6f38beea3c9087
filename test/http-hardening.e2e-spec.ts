import { createTestApp, type TestApp } from './support/test-app.js';

describe('HTTP hardening', () => {
  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('sends security headers on every response, errors included, and no x-powered-by', async () => {
      for (const response of [
        await t.http.get('/health/live').expect(200),
        await t.http.get('/users/me').expect(401),
        await t.http.get('/nope').expect(404),
      ]) {
        expect(response.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
        });
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('answers no cross-origin request: no Access-Control-Allow-Origin, preflight not granted', async () => {
      const simple = await t.http
        .get('/health/live')
        .set('origin', 'https://evil.example')
        .expect(200);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await t.http
        .options('/auth/login')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('configured (CORS_ORIGINS, BODY_LIMIT)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        CORS_ORIGINS: 'https://app.example, https://admin.example',
        BODY_LIMIT: '2kb',
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('allows exactly the listed origins, with credentials for the refresh cookie', async () => {
      const preflight = await t.http
        .options('/auth/refresh')
        .set('origin', 'https://app.example')
        .set('access-control-request-method', 'POST')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      const other = await t.http
        .get('/health/live')
        .set('origin', 'https://evil.example')
        .expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a body over BODY_LIMIT with 413 and the JSON error body', async () => {
      const response = await t.http
        .post('/auth/login')
        .send({ email: 'a@b.co', password: 'x'.repeat(3 * 1024) })
        .expect(413);
      expect(response.body).toMatchObject({
        statusCode: 413,
        code: 'payload_too_large',
        requestId: expect.any(String),
      });
      await t.http
        .post('/auth/login')
        .send({ email: 'a@b.co', password: 'x'.repeat(100) })
        .expect(401);
    });
  });
});
