import { randomInt } from 'node:crypto';
import { bearer } from './factories/session.factory.js';
import { uniqueEmail } from './factories/user.factory.js';
import { createAppQuietly, createTestApp, TEST_ADMIN, type TestApp } from './support/test-app.js';

/** Three sign-in-route requests a minute per client address, so the fourth shows whose budget. */
const LIMIT = 3;

/** A wrong sign-in (401 while within budget) carrying `forwardedFor` as X-Forwarded-For. */
const wrongSignIn = (t: TestApp, forwardedFor: string, email = uniqueEmail()) =>
  t.http
    .post('/auth/login')
    .set('x-forwarded-for', forwardedFor)
    .send({ email, password: 'x'.repeat(12) });

/** An address of its own for a setup step, so it spends no test's budget. */
const setupAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/**
 * LIMIT requests with these X-Forwarded-For chains get 401 and the next one 429: one client. And
 * `another`, through the same proxies, is another client with its own budget (401).
 */
async function expectOneBudget(t: TestApp, chains: string[], another?: string): Promise<void> {
  expect(chains).toHaveLength(LIMIT + 1);
  for (const chain of chains.slice(0, LIMIT)) await wrongSignIn(t, chain).expect(401);
  const limited = await wrongSignIn(t, chains[LIMIT]).expect(429);
  expect(limited.body.code).toBe('too_many_requests');
  if (another) await wrongSignIn(t, another).expect(401);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client address behind proxies (TRUST_PROXY)', () => {
  describe('a hop count of 1: the right-most X-Forwarded-For entry is the client', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TRUST_PROXY: '1', AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('counts "6.6.6.N, 9.9.9.9" as 9.9.9.9 whatever N the caller makes up', async () => {
      // 6.6.6.1 itself, seen through the proxy, is another client with its own budget.
      await expectOneBudget(
        t,
        [1, 2, 3, 4].map((n) => `6.6.6.${n}, 9.9.9.9`),
        '6.6.6.1',
      );
    });

    it('records the right-most entry in the audit trail', async () => {
      const register = await t.http
        .post('/auth/register')
        .set('x-forwarded-for', setupAddress())
        .send({ email: uniqueEmail(), password: 'y'.repeat(12) })
        .expect(201);
      const { email, id } = register.body as { email: string; id: string };
      await wrongSignIn(t, '6.6.6.6, 9.9.9.8', email).expect(401);
      const admin = await t.http
        .post('/auth/login')
        .set('x-forwarded-for', setupAddress())
        .send(TEST_ADMIN)
        .expect(200);
      let failed: { ip: string } | undefined;
      // Events are written after the response: look again for a moment.
      for (let attempt = 0; attempt < 80 && !failed; attempt++) {
        const { body } = await t.http
          .get(`/audit-events?userId=${id}`)
          .set(bearer(admin.body.accessToken))
          .expect(200);
        failed = (body.items as { type: string; ip: string }[]).find(
          (event) => event.type === 'login_failed',
        );
        if (!failed) await sleep(25);
      }
      expect(failed?.ip).toBe('9.9.9.8');
    });

    it('counts an IPv6 client by its /64: other addresses in it share the budget', async () => {
      await expectOneBudget(
        t,
        [
          '2001:db8:1234:5678::1',
          '6.6.6.6, 2001:db8:1234:5678:ffff:ffff:ffff:ffff',
          '2001:db8:1234:5678:0:0:0:2',
          '2001:0DB8:1234:5678::abcd',
        ],
        // The neighbouring /64 is another subscriber.
        '2001:db8:1234:5679::1',
      );
    });
  });

  describe('a hop count of 2', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TRUST_PROXY: '2', AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('starts, and takes the entry before the second proxy: "6.6.6.N, 9.9.9.9, 10.0.0.2" is 9.9.9.9', async () => {
      await expectOneBudget(
        t,
        [1, 2, 3, 4].map((n) => `6.6.6.${n}, 9.9.9.9, 10.0.0.${n}`),
        '9.9.9.10, 10.0.0.1',
      );
    });
  });

  describe('a list of proxy addresses and CIDRs', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48',
        AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('skips every listed proxy from the right: the first address not in the list is the client', async () => {
      await expectOneBudget(
        t,
        [
          '6.6.6.1, 9.9.9.9, 10.1.2.3',
          '6.6.6.2, 9.9.9.9, 10.200.0.1, 10.0.0.9',
          '6.6.6.3, 9.9.9.9, 2001:db8:ffff::1',
          '9.9.9.9',
        ],
        '9.9.9.9, 9.9.9.10, 10.0.0.1',
      );
    });
  });

  describe('a list that does not hold the connecting address', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        TRUST_PROXY: '10.0.0.0/8',
        AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('ignores X-Forwarded-For from a caller that is not a listed proxy', async () => {
      await expectOneBudget(t, ['6.6.6.1', '6.6.6.2', '6.6.6.3, 10.0.0.1', '6.6.6.4']);
    });
  });

  describe('TRUST_PROXY=true', () => {
    it('is refused at start in production, with one line naming it and what to set', async () => {
      const saved = { NODE_ENV: process.env.NODE_ENV, TRUST_PROXY: process.env.TRUST_PROXY };
      Object.assign(process.env, { NODE_ENV: 'production', TRUST_PROXY: 'true' });
      try {
        const start = createAppQuietly();
        await expect(start).rejects.toThrow(
          /^Invalid configuration: TRUST_PROXY=true .*\(e\.g\. 1\)/,
        );
        await expect(start).rejects.not.toThrow(/\n/);
      } finally {
        Object.assign(process.env, saved);
      }
    });
  });
});
