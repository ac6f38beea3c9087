import { generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { bearer } from './factories/session.factory.js';
import { createUser, loginAdmin, uniqueEmail } from './factories/user.factory.js';
import { describeWithChromium, launchChromium } from './support/browser.js';
import { CookieClient } from './support/cookie-client.js';
import { decodeToken } from './support/jwt.js';
import { TestOpenIdProvider, type ProviderAccount } from './support/openid-provider.js';
import { createAppQuietly, createTestApp, type TestApp } from './support/test-app.js';

/**
 * Sign-in with an OpenID provider against a real one (npm `oidc-provider`) on a loopback port:
 * the whole redirect dance over HTTP with cookies (and once in Chromium), then what an attacker
 * tries on it. Two provider entries ("corp", "corp2") use the same provider, so an account can
 * hold two identities.
 */
describe('OpenID Connect sign-in (e2e)', () => {
  let t: TestApp;
  let idp: TestOpenIdProvider;
  let base: string;

  const providersJson = (issuer: string, clientId: string, secret: string) =>
    JSON.stringify([
      { id: 'corp', issuer, clientId, clientSecret: secret, name: 'Corp SSO' },
      { id: 'corp2', issuer, clientId, name: 'Corp SSO again' },
    ]);

  beforeAll(async () => {
    idp = await TestOpenIdProvider.create();
    t = await createTestApp(
      {
        OIDC_PROVIDERS: providersJson(idp.issuer, idp.clientId, idp.clientSecret),
        // The second entry's secret from its own variable, as the README shows.
        OIDC_CORP2_CLIENT_SECRET: idp.clientSecret,
        OIDC_ALLOWED_REDIRECTS: '/signed-in,/profile,https://app.example.test',
        OIDC_DISCOVERY_RETRY: '1s',
        COOKIE_SECURE: 'false',
      },
      { listen: true },
    );
    base = t.url!;
  });

  afterAll(async () => {
    await idp.close();
    await t.close();
  });

  const account = (overrides: Partial<ProviderAccount> = {}): ProviderAccount => ({
    sub: `sub-${randomUUID()}`,
    email: uniqueEmail('oidc'),
    email_verified: true,
    name: 'Grace Hopper',
    ...overrides,
  });

  const callbacks = () => [`${base}/auth/oidc/corp/callback`, `${base}/auth/oidc/corp2/callback`];

  /** For a test run on its own: the first test is the one that starts the provider. */
  async function providerUp(): Promise<void> {
    if (idp.listening) return;
    await idp.listen(callbacks());
    await waitReady(base);
  }

  const isCallback = (url: URL) => url.pathname.endsWith('/callback');
  const isBack = (url: URL) => ['/signed-in', '/profile'].includes(url.pathname);

  /** Through the provider to Sentinel's callback (not requested): the browser and the URL. */
  async function toCallback(who: ProviderAccount, provider = 'corp', browser = new CookieClient()) {
    await providerUp();
    idp.nextAccount = who;
    const reached = await browser.follow(
      `${base}/auth/oidc/${provider}?redirect=/signed-in`,
      isCallback,
    );
    expect(reached.stopped).toBe(true);
    return { browser, callback: reached.url };
  }

  /** The callback, on `at` (another instance's base if given): where it sends the browser. */
  async function finish(browser: CookieClient, callback: URL, at = base): Promise<URL> {
    const reached = await browser.follow(`${at}${callback.pathname}${callback.search}`, isBack);
    expect(reached.stopped).toBe(true);
    return reached.url;
  }

  async function signIn(who: ProviderAccount, provider = 'corp') {
    const { browser, callback } = await toCallback(who, provider);
    return { browser, back: await finish(browser, callback) };
  }

  const exchange = (code: string | null) =>
    t.http.post('/auth/oidc/exchange').send({ code: code ?? '' });

  const sql = <T = unknown>(text: string, params: unknown[] = []) =>
    t.app.get(DataSource).query<T>(text, params);

  const auditOf = async (type: string) => {
    await t.auditWritten();
    const admin = await loginAdmin(t.http);
    const { body } = await t.http
      .get(`/audit-events?type=${type}&limit=100`)
      .set(bearer(admin))
      .expect(200);
    return body.items as { userId: string | null; details: Record<string, unknown> }[];
  };

  describe('a provider that is down at start', () => {
    it('answers 503 provider_unavailable, lists it, and works once the provider is reachable', async () => {
      const down = await t.http.get('/auth/oidc/corp?redirect=/signed-in').expect(503);
      expect(down.body).toMatchObject({ code: 'provider_unavailable', statusCode: 503 });
      await t.http.get('/auth/oidc/corp/callback?code=x&state=y').expect(503);
      const { body } = await t.http.get('/auth/oidc/providers').expect(200);
      expect(body).toEqual([
        { id: 'corp', name: 'Corp SSO' },
        { id: 'corp2', name: 'Corp SSO again' },
      ]);

      await idp.listen(callbacks());
      const deadline = Date.now() + 15_000;
      let status = 503;
      while (status === 503 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await t.http.get('/auth/oidc/corp?redirect=/signed-in')).status;
      }
      expect(status).toBe(302);
    });
  });

  describe('the redirect dance', () => {
    it('sends the browser to the provider with PKCE (S256), state and nonce, and a flow cookie', async () => {
      await providerUp();
      const response = await t.http.get('/auth/oidc/corp?redirect=/signed-in').expect(302);
      const location = new URL(response.headers.location);
      expect(location.origin).toBe(idp.issuer);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        client_id: idp.clientId,
        response_type: 'code',
        code_challenge_method: 'S256',
        redirect_uri: `${base}/auth/oidc/corp/callback`,
        scope: 'openid email profile',
      });
      for (const name of ['state', 'nonce', 'code_challenge']) {
        expect(location.searchParams.get(name)).toMatch(/^[\w-]{22,}$/);
      }
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/oidc_flow=[\w-]{43};/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\/auth\/oidc/);
    });

    it('signs a new user in: a code on the redirect (no token), exchanged once for the usual tokens with amr fed', async () => {
      const who = account();
      const { back } = await signIn(who);
      expect(back.pathname).toBe('/signed-in');
      const code = back.searchParams.get('code');
      expect(code).toMatch(/^[\w-]{43}$/);
      expect([...back.searchParams.keys()]).toEqual(['code']);

      const tokens = await exchange(code).expect(200);
      expect(tokens.body).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });
      expect(String(tokens.headers['set-cookie'])).toMatch(/refresh_token=/);
      expect(back.href).not.toContain(tokens.body.accessToken);
      expect(back.href).not.toContain(tokens.body.refreshToken);
      expect(decodeToken(tokens.body.accessToken).payload).toMatchObject({ amr: ['fed'] });
      // The session remembers it: refreshed tokens say so too; a password session's say pwd.
      const refreshed = await t.http
        .post('/auth/refresh')
        .send({ refreshToken: tokens.body.refreshToken })
        .expect(200);
      expect(decodeToken(refreshed.body.accessToken).payload).toMatchObject({ amr: ['fed'] });
      const passwordUser = await createUser(t.http);
      expect(decodeToken(passwordUser.accessToken).payload.amr).toEqual(['pwd']);

      const me = await t.http.get('/users/me').set(bearer(tokens.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({
        email: who.email,
        emailVerified: true,
        displayName: who.name,
      });
      const identities = await t.http
        .get('/users/me/identities')
        .set(bearer(tokens.body.accessToken))
        .expect(200);
      expect(identities.body).toEqual([
        expect.objectContaining({ provider: 'corp', email: who.email, id: expect.any(String) }),
      ]);
      // The same code again: spent.
      expect((await exchange(code).expect(400)).body.code).toBe('invalid_grant');
      // A password sign-in of that account fails like any wrong password.
      const login = await t.http
        .post('/auth/login')
        .send({ email: who.email, password: 'any password at all' })
        .expect(401);
      expect(login.body.code).toBe('invalid_credentials');
      // No password to change either: the same 403 as a wrong current password.
      const change = await t.http
        .post('/users/me/password')
        .set(bearer(tokens.body.accessToken))
        .send({ currentPassword: 'any password at all', newPassword: 'a brand new password' })
        .expect(403);
      expect(change.body.code).toBe('invalid_current_password');
    });

    it('signs a known identity in to the same account, and records oidc_login', async () => {
      const who = account();
      const first = await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const second = await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const subject = (body: { accessToken: string }) => decodeToken(body.accessToken).payload.sub;
      expect(subject(second.body)).toBe(subject(first.body));
      const events = (await auditOf('oidc_login')).filter((e) => e.userId === subject(first.body));
      expect(events.map((e) => e.details.outcome).sort()).toEqual(['created', 'known']);
    });

    it('refuses an exchange code older than 60 s, and codes that were never issued', async () => {
      const { back } = await signIn(account());
      await sql(`UPDATE oidc_exchange_codes SET expires_at = now() - interval '1 second'`);
      expect((await exchange(back.searchParams.get('code')).expect(400)).body.code).toBe(
        'invalid_grant',
      );
      expect((await exchange('x'.repeat(43)).expect(400)).body.code).toBe('invalid_grant');
      expect((await t.http.post('/auth/oidc/exchange').send({}).expect(400)).body.code).toBe(
        'validation_failed',
      );
    });
  });

  /** An instance has discovered its providers once its start route redirects. */
  async function waitReady(at: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${at}/auth/oidc/corp?redirect=/signed-in`, {
        redirect: 'manual',
      });
      if (response.status === 302) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${at} never discovered the provider`);
  }

  describe('what an attacker tries', () => {
    afterEach(() => {
      idp.tamper = undefined;
      idp.codeTtl = 60;
    });

    const failedWith = async (back: URL, reason: RegExp) => {
      expect(back.pathname).toBe('/signed-in');
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'login_failed' });
      const failures = await auditOf('oidc_login_failed');
      expect(failures.map((event) => String(event.details.reason))).toEqual(
        expect.arrayContaining([expect.stringMatching(reason)]),
      );
    };

    it('a state that is not the flow’s: refused, and nobody is created', async () => {
      const who = account();
      const { browser, callback } = await toCallback(who);
      callback.searchParams.set('state', 'forged-state-forged-state-forged');
      await failedWith(await finish(browser, callback), /state/i);
      expect(await sql(`SELECT 1 FROM users WHERE email = $1`, [who.email])).toEqual([]);
    });

    it('a callback without the browser’s flow cookie (login CSRF): refused', async () => {
      const { callback } = await toCallback(account());
      await failedWith(await finish(new CookieClient(), callback), /no_flow/);
    });

    it('a replayed callback (same cookie, same code, same state): refused the second time', async () => {
      const { browser, callback } = await toCallback(account());
      const cookie = browser.cookie('127.0.0.1', 'oidc_flow')!;
      const first = await finish(browser, callback);
      expect(first.searchParams.get('code')).toBeTruthy();
      const replay = await fetch(`${base}${callback.pathname}${callback.search}`, {
        headers: { cookie: `oidc_flow=${cookie}` },
        redirect: 'manual',
      });
      expect(replay.status).toBe(302);
      expect(new URL(replay.headers.get('location')!, base).searchParams.get('error')).toBe(
        'login_failed',
      );
    });

    it('an ID token replayed from an earlier sign-in (its nonce): refused', async () => {
      let earlier: string | undefined;
      idp.tamper = async (idToken) => (earlier = idToken);
      await signIn(account());
      idp.tamper = async () => earlier!;
      await failedWith((await signIn(account())).back, /nonce/i);
    });

    it('an ID token signed by another key (same kid): refused', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      idp.tamper = (idToken) =>
        TestOpenIdProvider.resign(idToken, {}, { privateKey, kid: idp.signingKey.kid });
      await failedWith((await signIn(account())).back, /signature/i);
    });

    it('an ID token for another audience, signed by the provider itself: refused', async () => {
      idp.tamper = (idToken) =>
        TestOpenIdProvider.resign(idToken, { aud: 'another-client' }, idp.signingKey);
      await failedWith((await signIn(account())).back, /aud/i);
    });

    it('an expired ID token, signed by the provider: refused', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      idp.tamper = (idToken) =>
        TestOpenIdProvider.resign(idToken, { iat: past - 60, exp: past }, idp.signingKey);
      await failedWith((await signIn(account())).back, /exp/i);
    });

    it('an ID token from another issuer, signed by the provider: refused', async () => {
      idp.tamper = (idToken) =>
        TestOpenIdProvider.resign(idToken, { iss: 'https://evil.example' }, idp.signingKey);
      await failedWith((await signIn(account())).back, /iss/i);
    });

    it('an expired authorization code: refused', async () => {
      idp.codeTtl = 1;
      const { browser, callback } = await toCallback(account());
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await failedWith(await finish(browser, callback), /invalid_grant/);
    });

    it('the user refusing at the provider: error=access_denied', async () => {
      const { browser, callback } = await toCallback(account());
      const denied = new URL(callback.pathname, base);
      denied.searchParams.set('error', 'access_denied');
      denied.searchParams.set('state', callback.searchParams.get('state')!);
      denied.searchParams.set('iss', idp.issuer);
      const back = await finish(browser, denied);
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'access_denied' });
    });

    it('redirects that are not allowed: 400 invalid_redirect, before anything is stored', async () => {
      await providerUp();
      for (const redirect of [
        'https://evil.example/',
        '//evil.example/signed-in',
        '/\\evil.example',
        'javascript:alert(1)',
        '/not-listed',
        'https://user@app.example.test/',
      ]) {
        const response = await t.http
          .get(`/auth/oidc/corp?redirect=${encodeURIComponent(redirect)}`)
          .expect(400);
        expect(response.body.code).toBe('invalid_redirect');
      }
      const ok = await t.http
        .get(`/auth/oidc/corp?redirect=${encodeURIComponent('https://app.example.test/after?x=1')}`)
        .expect(302);
      expect(ok.headers.location).toContain(idp.issuer);
    });

    it('odd inputs: 4xx with a code, never a 500', async () => {
      await providerUp();
      const twice = await t.http.get('/auth/oidc/corp?redirect=/signed-in&redirect=/profile');
      expect([twice.status, twice.body.code]).toEqual([400, 'invalid_redirect']);
      const user = await createUser(t.http);
      const link = await t.http.post('/users/me/identities/nope').set(bearer(user.accessToken));
      expect([link.status, link.body.code]).toEqual([404, 'not_found']);
      const badCode = await t.http.post('/auth/oidc/exchange').send({ code: { $ne: 1 } });
      expect([badCode.status, badCode.body.code]).toEqual([400, 'validation_failed']);
      // A callback with no parameters at all starts nothing: it fails like any other.
      const bare = await t.http.get('/auth/oidc/corp/callback').expect(302);
      expect(bare.headers.location).toBe('/signed-in?error=login_failed');
    });

    it('forwarded headers do not move the callback URL unless TRUST_PROXY trusts them', async () => {
      await providerUp();
      const response = await t.http
        .get('/auth/oidc/corp?redirect=/signed-in')
        .set('X-Forwarded-Host', 'evil.example')
        .set('X-Forwarded-Proto', 'https')
        .expect(302);
      expect(new URL(response.headers.location).searchParams.get('redirect_uri')).toBe(
        `${base}/auth/oidc/corp/callback`,
      );
    });

    it('an unknown provider: 404 with a code', async () => {
      expect((await t.http.get('/auth/oidc/nope').expect(404)).body.code).toBe('not_found');
      expect((await t.http.get('/auth/oidc/nope/callback').expect(404)).body.code).toBe(
        'not_found',
      );
    });
  });

  describe('accounts', () => {
    const verifyEmail = (email: string) =>
      sql(`UPDATE users SET email_verified_at = now() WHERE email = $1`, [email]);

    it('a verified provider email and an unverified account email: not linked (account_exists)', async () => {
      const user = await createUser(t.http);
      const { back } = await signIn(account({ email: user.email, email_verified: true }));
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'account_exists' });
      expect(await sql(`SELECT 1 FROM identities WHERE user_id = $1`, [user.id])).toEqual([]);
    });

    it('an unverified provider email and a verified account email: not linked (account_exists)', async () => {
      const user = await createUser(t.http);
      await verifyEmail(user.email);
      const { back } = await signIn(account({ email: user.email, email_verified: false }));
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'account_exists' });
      expect(await sql(`SELECT 1 FROM identities WHERE user_id = $1`, [user.id])).toEqual([]);
    });

    it('both verified: linked to the existing account, which signs in', async () => {
      const user = await createUser(t.http);
      await verifyEmail(user.email);
      const { back } = await signIn(
        account({ email: user.email.toUpperCase(), email_verified: true }),
      );
      const tokens = await exchange(back.searchParams.get('code')).expect(200);
      expect(decodeToken(tokens.body.accessToken).payload.sub).toBe(user.id);
      expect((await auditOf('identity_linked')).some((e) => e.userId === user.id)).toBe(true);
    });

    it('a new, unverified email: a new account, emailVerified false', async () => {
      const who = account({ email_verified: false });
      const tokens = await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const me = await t.http.get('/users/me').set(bearer(tokens.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ email: who.email, emailVerified: false });
    });

    it('a disabled user: refused at the callback, and at the exchange when disabled in between', async () => {
      const who = account();
      const first = await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const userId = decodeToken(first.body.accessToken).payload.sub as string;
      const pending = (await signIn(who)).back.searchParams.get('code');
      const admin = await loginAdmin(t.http);
      await t.http
        .patch(`/users/${userId}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      expect((await exchange(pending).expect(401)).body.code).toBe('invalid_credentials');
      const { back } = await signIn(who);
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'login_failed' });
    });

    it('links from the profile, lists, and unlinks; the last way in cannot be unlinked', async () => {
      // A provider-made account (no password) with one identity.
      const who = account();
      const tokens = await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const auth = bearer(tokens.body.accessToken);
      const [only] = (await t.http.get('/users/me/identities').set(auth).expect(200)).body;
      const refused = await t.http.delete(`/users/me/identities/${only.id}`).set(auth).expect(409);
      expect(refused.body.code).toBe('last_sign_in_method');

      // Link a second identity (corp2) through the link flow.
      const browser = new CookieClient();
      const start = await browser.fetch(`${base}/users/me/identities/corp2?redirect=/profile`, {
        method: 'POST',
        headers: auth,
      });
      expect(start.status).toBe(302);
      idp.nextAccount = who;
      const reached = await browser.follow(start.headers.get('location')!, isBack);
      expect(Object.fromEntries(reached.url.searchParams)).toEqual({ linked: 'corp2' });
      const both = (await t.http.get('/users/me/identities').set(auth).expect(200)).body;
      expect(both.map((identity: { provider: string }) => identity.provider).sort()).toEqual([
        'corp',
        'corp2',
      ]);

      await t.http.delete(`/users/me/identities/${only.id}`).set(auth).expect(204);
      const left = (await t.http.get('/users/me/identities').set(auth).expect(200)).body;
      expect(left.map((identity: { provider: string }) => identity.provider)).toEqual(['corp2']);
      expect((await auditOf('identity_unlinked')).some((e) => e.details.provider === 'corp')).toBe(
        true,
      );
      // Someone else's identity, or no identity: 404.
      const other = await createUser(t.http);
      await t.http
        .delete(`/users/me/identities/${left[0].id}`)
        .set(bearer(other.accessToken))
        .expect(404);
      await t.http.delete('/users/me/identities/not-a-uuid').set(auth).expect(400);
    });

    it('a password account links an identity another account holds: identity_taken', async () => {
      const who = account();
      await exchange((await signIn(who)).back.searchParams.get('code')).expect(200);
      const user = await createUser(t.http);
      const browser = new CookieClient();
      const start = await browser.fetch(`${base}/users/me/identities/corp?redirect=/profile`, {
        method: 'POST',
        headers: bearer(user.accessToken),
      });
      idp.nextAccount = who;
      const reached = await browser.follow(start.headers.get('location')!, isBack);
      expect(Object.fromEntries(reached.url.searchParams)).toEqual({ error: 'identity_taken' });
    });

    it('identities need a signed-in user', async () => {
      await t.http.get('/users/me/identities').expect(401);
      await t.http.post('/users/me/identities/corp').expect(401);
    });
  });

  describeWithChromium('OIDC sign-in')('in a real browser', () => {
    it('Chromium goes to the provider and back with a code, exchanged for tokens', async () => {
      await providerUp();
      const who = account();
      idp.nextAccount = who;
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/auth/oidc/corp?redirect=/signed-in`);
        await page.waitForURL(/\/signed-in\?code=/);
        const code = new URL(page.url()).searchParams.get('code');
        const tokens = await exchange(code).expect(200);
        expect(decodeToken(tokens.body.accessToken).payload.amr).toEqual(['fed']);
        const me = await t.http.get('/users/me').set(bearer(tokens.body.accessToken)).expect(200);
        expect(me.body.email).toBe(who.email);
      } finally {
        await browser.close();
      }
    });
  });

  describe('more than one instance', () => {
    // Last in the file: on the embedded database it restarts the app on another port.
    it('a flow started on one instance finishes on another (server), or survives a restart (embedded)', async () => {
      const who = account();
      const { browser, callback } = await toCallback(who);
      if (!t.database.isServer) {
        // The embedded database is one process's: no second instance can exist beside it...
        await expect(createAppQuietly()).rejects.toThrow(/in use/);
        // ...so the flow must outlive the instance that started it.
        t = await t.restart();
        await waitReady(t.url!);
        const back = await finish(browser, callback, t.url);
        const tokens = await exchange(back.searchParams.get('code')).expect(200);
        expect(decodeToken(tokens.body.accessToken).payload.amr).toEqual(['fed']);
        return;
      }
      const second = await createApp();
      try {
        await second.listen(0, '127.0.0.1');
        const other = (await second.getUrl()).replace('[::1]', '127.0.0.1');
        await waitReady(other);
        const back = await finish(browser, callback, other);
        const tokens = await request(second.getHttpServer())
          .post('/auth/oidc/exchange')
          .send({ code: back.searchParams.get('code') })
          .expect(200);
        expect(decodeToken(tokens.body.accessToken).payload.amr).toEqual(['fed']);
      } finally {
        await second.close();
      }
    });

    it('PUBLIC_URL, when set, is the base of the callback URL', async () => {
      t = await t.restart({ PUBLIC_URL: 'https://auth.example.test/' });
      await waitReady(t.url!);
      const response = await t.http.get('/auth/oidc/corp?redirect=/signed-in').expect(302);
      expect(new URL(response.headers.location).searchParams.get('redirect_uri')).toBe(
        'https://auth.example.test/auth/oidc/corp/callback',
      );
    });
  });
});
