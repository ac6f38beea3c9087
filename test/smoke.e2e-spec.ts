import { createTestApp, type TestApp } from './support/test-app.js';
import { createUser } from './factories/user.factory.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t?.close(); });
  it('works', async () => {
    const user = await createUser(t.http);
    const res = await t.http.get('/users/me').set('authorization', `Bearer ${user.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(user.email);
  });
});
