import { randomBytes } from 'node:crypto';
import { createTestApp, type TestApp } from './support/test-app.js';

const persistAuthorization = async (t: TestApp) => {
  const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
  return /"persistAuthorization":\s*(true|false)/.exec(init.text)?.[1];
};

/** Swagger UI keeps an authorization in localStorage only when told to persist it. */
describe('Swagger UI options', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the token across reloads outside production, and not in production', async () => {
    expect(await persistAuthorization(t)).toBe('true');
    t = await t.restart({
      NODE_ENV: 'production',
      MAIL_URL: 'disabled',
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(await persistAuthorization(t)).toBe('false');
  });
});
