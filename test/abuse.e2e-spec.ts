import { randomUUID } from 'node:crypto';
import { registerUser, uniqueEmail } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A sign-in with an unknown email (401) from `address`, as a trusted proxy would forward it. */
const wrongSignIn = (t: TestApp, address: string) =>
  t.http
    .post('/auth/login')
    .set('x-forwarded-for', address)
    .send({ email: uniqueEmail(), password: 'x'.repeat(12) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('account lockout (LOGIN_MAX_FAILURES=5)', () => {
  let t: TestApp;
  const login = (email: string, password: string) =>
    t.http.post('/auth/login').send({ email, password });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_LOCKOUT_SECONDS: '3s' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the 6th attempt with 429 too_many_attempts and Retry-After, even with the right password', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 5; i++) await login(user.email, 'wrong password!').expect(401);
    const locked = await login(user.email, user.password).expect(429);
    expect(locked.body).toMatchObject({ statusCode: 429, code: 'too_many_attempts' });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(locked.body.details.retryAfterSeconds).toBe(retryAfter);
  });

  it('evaluates at most 5 of 30 parallel wrong guesses; the rest are refused before the hash check', async () => {
    const user = await registerUser(t.http);
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => login(user.email, `guess-${randomUUID()}`)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(25);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    await login(user.email, user.password).expect(429);
  });

  it('locks an unknown email exactly like a known one (no account enumeration)', async () => {
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) await login(ghost, 'whatever password').expect(401);
    const locked = await login(ghost, 'whatever password').expect(429);
    expect(locked.body.code).toBe('too_many_attempts');
  });

  it('counts per normalized email: case and spaces do not buy more guesses', async () => {
    const user = await registerUser(t.http);
    const variants = [
      user.email,
      user.email.toUpperCase(),
      ` ${user.email}`,
      user.email,
      user.email,
    ];
    for (const email of variants) await login(email, 'wrong password!').expect(401);
    await login(user.email.toUpperCase(), user.password).expect(429);
  });

  it('clears the count on success: failures must be consecutive', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 4; i++) await login(user.email, 'wrong password!').expect(401);
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 4; i++) await login(user.email, 'wrong password!').expect(401);
    await login(user.email, user.password).expect(200);
  });

  it('lets the user in again once the lockout has passed', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 5; i++) await login(user.email, 'wrong password!').expect(401);
    await login(user.email, user.password).expect(429);
    await sleep(3300);
    await login(user.email, user.password).expect(200);
  });

  it('takes as long for an unknown email as for a wrong password (medians within a wide margin)', async () => {
    const users = await Promise.all(Array.from({ length: 9 }, () => registerUser(t.http)));
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      await login(email, 'not the password').expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Alternated, so drift on the machine hits both alike.
    for (const user of users) {
      known.push(await timed(user.email));
      unknown.push(await timed(uniqueEmail('nobody')));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('per-address rate limit on the sign-in routes', () => {
  describe('behind a trusted proxy (TRUST_PROXY=true)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: 'true' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('allows 5 requests a minute per client address across login, register and refresh, then 429', async () => {
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const a = '203.0.113.7';
      await wrongSignIn(t, a).expect(401);
      await t.http
        .post('/auth/register')
        .set(from(a))
        .send({ email: uniqueEmail(), password: 'y'.repeat(12) })
        .expect(201);
      await t.http
        .post('/auth/refresh')
        .set(from(a))
        .send({ refreshToken: 'A'.repeat(43) })
        .expect(401);
      await wrongSignIn(t, a).expect(401);
      await wrongSignIn(t, a).expect(401);
      const limited = await wrongSignIn(t, a).expect(429);
      expect(limited.body.code).toBe('too_many_requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

      // Another address has its own budget; routes that are not sign-in routes are not limited.
      await wrongSignIn(t, '198.51.100.9').expect(401);
      await t.http.get('/health/live').set(from(a)).expect(200);
    });
  });

  describe('without TRUST_PROXY', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'false' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('ignores X-Forwarded-For: a client cannot buy a fresh budget by forging it', async () => {
      for (let i = 0; i < 3; i++) {
        await wrongSignIn(t, `192.0.2.${i}`).expect(401);
      }
      await wrongSignIn(t, '192.0.2.99').expect(429);
    });
  });

  describe('with REDIS_URL: one budget shared by every instance', () => {
    let a: TestApp;
    let b: TestApp;
    const env = {
      AUTH_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: 'true',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    beforeAll(async () => {
      a = await createTestApp(env);
      b = await createTestApp(env);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('counts requests through either instance against the same address', async () => {
      // A fresh documentation-range /64 per run (IPv6 clients are counted per /64), so earlier
      // runs' counters do not matter.
      const address = `2001:db8:${randomUUID().slice(0, 4)}::1`;
      await wrongSignIn(a, address).expect(401);
      await wrongSignIn(b, address).expect(401);
      await wrongSignIn(a, address).expect(401);
      const limited = await wrongSignIn(b, address).expect(429);
      expect(limited.body.code).toBe('too_many_requests');
    });
  });
});
