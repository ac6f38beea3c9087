import type { Browser, CDPSession, Page } from 'playwright-core';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer } from './factories/session.factory.js';
import { loginAdmin, registerUser, uniqueEmail } from './factories/user.factory.js';
import { describeWithChromium, launchChromium } from './support/browser.js';
import { freePort } from './support/free-port.js';
import { decodeToken } from './support/jwt.js';
import { servePasskeyPage, type PasskeyPage } from './support/passkey-page.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { WebauthnChallengesCleanup } from '../src/auth/passkeys/webauthn-challenges-cleanup.js';

/** What the page functions below touch (evaluated in Chromium, compiled without the DOM lib). */
declare const SimpleWebAuthnBrowser: {
  startRegistration(options: { optionsJSON: unknown }): Promise<Record<string, unknown>>;
  startAuthentication(options: { optionsJSON: unknown }): Promise<Record<string, unknown>>;
};

type Json = Record<string, unknown>;
type Credential = Json & { id: string; response: Json };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Passkeys (issue 14) in real Chromium with a CDP virtual authenticator (CTAP2, internal
 * transport, resident keys, user verification): a page on `http://localhost:<port>` runs
 * `@simplewebauthn/browser`; the test carries options from the API to it and its answers back.
 * One browser for the file; a second page origin (not in WEBAUTHN_ORIGINS) for the wrong-origin
 * case.
 */
describeWithChromium('passkeys')('passkeys (WebAuthn) in Chromium', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: string;
  let site: PasskeyPage;
  let elsewhere: PasskeyPage;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  beforeAll(async () => {
    const [sitePort, otherPort] = [await freePort(), await freePort()];
    site = await servePasskeyPage(sitePort);
    elsewhere = await servePasskeyPage(otherPort);
    t = await createTestApp({
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_RP_NAME: 'Sentinel test',
      WEBAUTHN_ORIGINS: site.url,
      LOGIN_MAX_FAILURES: '3',
    });
    db = t.app.get(DataSource);
    admin = await loginAdmin(t.http);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(site.url);
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    authenticatorId = await addAuthenticator({ synced: false });
  }, 180_000);
  // The virtual authenticator keeps at most 3 resident keys (and refuses a 4th); each test
  // starts with none, so a discoverable sign-in also has one account to choose.
  beforeEach(() => cdp.send('WebAuthn.clearCredentials', { authenticatorId }));
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await elsewhere?.close();
    await t?.close();
  });

  async function addAuthenticator({ synced }: { synced: boolean }): Promise<string> {
    const { authenticatorId: id } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        defaultBackupEligibility: synced,
        defaultBackupState: synced,
      },
    });
    return id;
  }

  const register = (options: unknown) =>
    page.evaluate(
      (optionsJSON) => SimpleWebAuthnBrowser.startRegistration({ optionsJSON }),
      options,
    ) as Promise<Credential>;
  const authenticate = (options: unknown) =>
    page.evaluate(
      (optionsJSON) => SimpleWebAuthnBrowser.startAuthentication({ optionsJSON }),
      options,
    ) as Promise<Credential>;

  const passwordSignIn = async (email: string, password: string) =>
    (await t.http.post('/auth/login').send({ email, password }).expect(200)).body as Json;
  const passwordlessOptions = async (body: Json = {}) =>
    (await t.http.post('/auth/passkeys/authentication/options').send(body).expect(200))
      .body as Json;
  const passwordless = (response: unknown) =>
    t.http.post('/auth/passkeys/authentication/verify').send({ response });

  /** A new account signed in with its password, and a passkey registered on the authenticator. */
  async function userWithPasskey(name?: string) {
    const user = await registerUser(t.http);
    const { accessToken, refreshToken } = (await passwordSignIn(user.email, user.password)) as {
      accessToken: string;
      refreshToken: string;
    };
    const options = await t.http
      .post('/auth/passkeys/registration/options')
      .set(bearer(accessToken))
      .expect(200);
    const credential = await register(options.body);
    const registered = await t.http
      .post('/auth/passkeys/registration/verify')
      .set(bearer(accessToken))
      .send({ response: credential, ...(name && { name }) });
    expect(registered.status).toBe(201);
    return {
      ...user,
      accessToken,
      refreshToken,
      credential,
      options: options.body as Json,
      registered,
    };
  }

  /** The audit rows of a user (written in batches after the response: waited for). */
  async function auditOf(userId: string, type: string) {
    await t.auditWritten();
    const deadline = Date.now() + 3_000;
    for (;;) {
      const items = (
        await t.http
          .get(`/audit-events?userId=${userId}&type=${type}&limit=100`)
          .set(bearer(admin))
          .expect(200)
      ).body.items as { type: string; actorId: string | null; details: Json }[];
      if (items.length > 0 || Date.now() > deadline) return items;
      await sleep(25);
    }
  }

  const storedCounter = async (userId: string) =>
    Number(
      (await db.query(`SELECT counter FROM webauthn_credentials WHERE user_id = $1`, [userId]))[0]
        .counter,
    );

  describe('registration', () => {
    it('registers a discoverable passkey for the signed-in user, listed without key material', async () => {
      const user = await userWithPasskey('Laptop');
      expect(user.options).toMatchObject({
        rp: { id: 'localhost', name: 'Sentinel test' },
        user: { name: user.email },
        authenticatorSelection: { residentKey: 'required' },
        attestation: 'none',
      });
      expect(user.registered.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Laptop',
        createdAt: expect.any(String),
      });
      const list = await t.http.get('/auth/passkeys').set(bearer(user.accessToken)).expect(200);
      expect(list.body).toEqual([
        {
          id: user.registered.body.id,
          name: 'Laptop',
          createdAt: user.registered.body.createdAt,
          lastUsedAt: null,
          backedUp: false,
        },
      ]);
      const [row] = await db.query(
        `SELECT credential_id, device_type FROM webauthn_credentials WHERE user_id = $1`,
        [user.id],
      );
      expect(Buffer.from(row.credential_id).toString('base64url')).toBe(user.credential.id);
      expect(row.device_type).toBe('singleDevice');
      const [event] = await auditOf(user.id, 'passkey_registered');
      expect(event).toMatchObject({
        actorId: user.id,
        details: { method: 'webauthn', passkeyId: user.registered.body.id, name: 'Laptop' },
      });

      // The same answer again: its challenge is spent.
      const again = await t.http
        .post('/auth/passkeys/registration/verify')
        .set(bearer(user.accessToken))
        .send({ response: user.credential });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('invalid_passkey');

      // Registering again excludes the passkey the authenticator already holds for the account.
      const next = await t.http
        .post('/auth/passkeys/registration/options')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(next.body.excludeCredentials).toEqual([
        expect.objectContaining({ id: user.credential.id }),
      ]);
    });

    it("refuses another user's registration challenge and answers that do not verify", async () => {
      const user = await userWithPasskey();
      const other = await registerUser(t.http);
      const { accessToken } = (await passwordSignIn(other.email, other.password)) as {
        accessToken: string;
      };
      // The options of `user`, answered by the authenticator, presented by `other`.
      const options = await t.http
        .post('/auth/passkeys/registration/options')
        .set(bearer(user.accessToken))
        .expect(200);
      const stolen = await t.http
        .post('/auth/passkeys/registration/verify')
        .set(bearer(accessToken))
        .send({ response: await register({ ...options.body, excludeCredentials: [] }) });
      expect(stolen.status).toBe(400);
      expect(stolen.body.code).toBe('invalid_passkey');

      // A live challenge of the caller with an attestation that is not one.
      const own = await t.http
        .post('/auth/passkeys/registration/options')
        .set(bearer(accessToken))
        .expect(200);
      const clientDataJSON = Buffer.from(
        JSON.stringify({
          type: 'webauthn.create',
          challenge: own.body.challenge,
          origin: site.url,
        }),
      ).toString('base64url');
      const garbage = await t.http
        .post('/auth/passkeys/registration/verify')
        .set(bearer(accessToken))
        .send({
          response: {
            id: 'AAAA',
            rawId: 'AAAA',
            type: 'public-key',
            response: { clientDataJSON, attestationObject: 'AAAA' },
            clientExtensionResults: {},
          },
        });
      expect(garbage.status).toBe(400);
      expect(garbage.body.code).toBe('invalid_passkey');
      for (const response of [undefined, 'x', { id: 'a' }, { id: '!', rawId: '!' }]) {
        const malformed = await t.http
          .post('/auth/passkeys/registration/verify')
          .set(bearer(accessToken))
          .send({ response });
        expect(malformed.status).toBe(400);
        expect(malformed.body.code).toBe('validation_failed');
      }
      await t.http.post('/auth/passkeys/registration/options').expect(401);
    });
  });

  describe('passwordless sign-in', () => {
    it('signs in with a discoverable credential (no email): amr hwk, cookie, counter and audit', async () => {
      const user = await userWithPasskey();
      const options = await passwordlessOptions();
      expect(options.allowCredentials ?? []).toEqual([]);
      expect(options.userVerification).toBe('required');
      expect(options.rpId).toBe('localhost');
      const assertion = await authenticate(options);

      const response = await passwordless(assertion);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toMatchObject({
        tokenType: 'Bearer',
        refreshToken: expect.any(String),
      });
      expect(String(response.headers['set-cookie'])).toContain('refresh_token=');
      const { payload } = decodeToken(response.body.accessToken);
      expect(payload.sub).toBe(user.id);
      expect(payload.amr).toEqual(['hwk']);
      expect(payload.auth_time).toEqual(expect.any(Number));
      await t.http.get('/users/me').set(bearer(response.body.accessToken)).expect(200);

      const [listed] = (
        await t.http.get('/auth/passkeys').set(bearer(user.accessToken)).expect(200)
      ).body;
      expect(listed.lastUsedAt).toEqual(expect.any(String));
      const [event] = await auditOf(user.id, 'passkey_login_succeeded');
      expect(event).toMatchObject({
        actorId: user.id,
        details: { method: 'webauthn', amr: 'hwk', passkeyId: listed.id },
      });

      // The same assertion again: its challenge was spent by the first.
      const replay = await passwordless(assertion);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('invalid_passkey');
    });

    it('signs in with an email: only its passkeys offered, and the cookie transport honoured', async () => {
      const user = await userWithPasskey();
      const options = await passwordlessOptions({ email: user.email.toUpperCase() });
      expect(options.allowCredentials).toEqual([{ id: user.credential.id, type: 'public-key' }]);
      const response = await t.http
        .post('/auth/passkeys/authentication/verify')
        .send({ response: await authenticate(options), refreshTokenTransport: 'cookie' })
        .expect(200);
      expect(response.body).not.toHaveProperty('refreshToken');
      expect(decodeToken(response.body.accessToken).payload.sub).toBe(user.id);
    });

    it('answers an unknown email like a known one, and the same way each time', async () => {
      const user = await userWithPasskey();
      const known = await passwordlessOptions({ email: user.email });
      const stranger = uniqueEmail('nobody');
      const unknown = await passwordlessOptions({ email: stranger });
      const again = await passwordlessOptions({ email: stranger });
      expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
      const allowed = unknown.allowCredentials as { id: string; type: string }[];
      expect(allowed).toEqual([{ id: expect.stringMatching(/^[\w-]{40,}$/), type: 'public-key' }]);
      expect(again.allowCredentials).toEqual(allowed);
      expect(unknown.challenge).not.toBe(again.challenge);
      // An account without passkeys gets a stand-in too, not an empty list.
      const plain = await registerUser(t.http);
      const none = await passwordlessOptions({ email: plain.email });
      expect(none.allowCredentials).toEqual([expect.objectContaining({ type: 'public-key' })]);
    });

    it('refuses an answer from an origin not in WEBAUTHN_ORIGINS, audited', async () => {
      const user = await userWithPasskey();
      const options = await passwordlessOptions({ email: user.email });
      await page.goto(elsewhere.url); // also localhost: the browser signs, the server refuses
      let assertion: Credential;
      try {
        assertion = await authenticate(options);
      } finally {
        await page.goto(site.url);
      }
      const clientData = JSON.parse(
        Buffer.from(assertion.response.clientDataJSON as string, 'base64url').toString(),
      );
      expect(clientData.origin).toBe(elsewhere.url);
      const response = await passwordless(assertion);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_passkey');
      const [event] = await auditOf(user.id, 'passkey_login_failed');
      expect(event.details).toMatchObject({ method: 'webauthn', reason: 'failed' });
      expect(event.actorId).toBeNull();
    });

    it('refuses an expired challenge', async () => {
      const user = await userWithPasskey();
      const options = await passwordlessOptions({ email: user.email });
      const assertion = await authenticate(options);
      await db.query(
        `UPDATE webauthn_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [user.id],
      );
      const response = await passwordless(assertion);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_passkey');
    });

    it('refuses a signature counter that did not increase (a cloned authenticator), audited', async () => {
      const user = await userWithPasskey();
      const options = () => passwordlessOptions({ email: user.email });
      await passwordless(await authenticate(await options())).expect(200);
      const counted = await storedCounter(user.id);
      expect(counted).toBeGreaterThan(0); // the virtual authenticator counts its signatures
      // As if a copy of the key had signed 1000 times meanwhile: this authenticator is behind.
      await db.query(`UPDATE webauthn_credentials SET counter = 1000000 WHERE user_id = $1`, [
        user.id,
      ]);
      const response = await passwordless(await authenticate(await options()));
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_passkey');
      expect(await storedCounter(user.id)).toBe(1000000);
      const [event] = await auditOf(user.id, 'passkey_clone_detected');
      expect(event.details).toMatchObject({
        method: 'webauthn',
        storedCounter: 1000000,
        receivedCounter: expect.any(Number),
      });
      expect(event.details.receivedCounter as number).toBeGreaterThan(counted);
      expect(event.details.receivedCounter as number).toBeLessThan(1000000);
    });

    it('refuses a disabled account and malformed or unknown answers, never with a 500', async () => {
      const user = await userWithPasskey();
      await t.http
        .patch(`/users/${user.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      const disabled = await passwordless(
        await authenticate(await passwordlessOptions({ email: user.email })),
      );
      expect(disabled.status).toBe(401);
      expect(disabled.body.code).toBe('invalid_passkey');

      for (const body of [
        {},
        { response: 'x' },
        { response: { id: 'a', rawId: 'a' } },
        { response: {}, x: 1 },
      ]) {
        const response = await t.http.post('/auth/passkeys/authentication/verify').send(body);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('validation_failed');
      }
      const shaped = (clientDataJSON: string, id = randomBytes(32).toString('base64url')) => ({
        id,
        rawId: id,
        type: 'public-key',
        response: { clientDataJSON, authenticatorData: 'AAAA', signature: 'AAAA' },
        clientExtensionResults: {},
      });
      // Not JSON, no challenge, a challenge never issued.
      const clientData = (challenge: string) =>
        Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: site.url })).toString(
          'base64url',
        );
      for (const clientDataJSON of ['AAAA', clientData(''), clientData('bm90LWlzc3VlZA')]) {
        const response = await passwordless(shaped(clientDataJSON));
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('invalid_passkey');
      }
      // A live challenge with a credential nobody registered.
      const options = await passwordlessOptions();
      const unknown = await passwordless(shaped(clientData(options.challenge as string)));
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('invalid_passkey');
      const badEmail = await t.http
        .post('/auth/passkeys/authentication/options')
        .send({ email: 'not an email' });
      expect(badEmail.status).toBe(400);
      expect(badEmail.body.code).toBe('validation_failed');
    });

    it('counts passkeys that fail into the sign-in lockout of their account', async () => {
      const user = await userWithPasskey();
      const options = [];
      for (let i = 0; i < 3; i++) options.push(await passwordlessOptions({ email: user.email }));
      const refused: Credential[] = [];
      await page.goto(elsewhere.url); // each answer signed on the wrong origin
      try {
        for (const each of options) refused.push(await authenticate(each));
      } finally {
        await page.goto(site.url);
      }
      for (const assertion of refused) {
        expect((await passwordless(assertion)).body.code).toBe('invalid_passkey');
      }
      const locked = await passwordless(
        await authenticate(await passwordlessOptions({ email: user.email })),
      );
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('too_many_attempts');
      const password = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password });
      expect(password.status).toBe(429);
    });

    it('leaves expired challenges to the hourly cleanup, and live ones alone', async () => {
      const user = await userWithPasskey();
      await db.query(
        `INSERT INTO webauthn_challenges (challenge_hash, purpose, expires_at)
         VALUES ($1, 'authentication', now() - interval '1 second'),
                ($2, 'registration', now() - interval '1 hour')`,
        [randomBytes(32), randomBytes(32)],
      );
      const live = await passwordlessOptions();
      expect(await t.app.get(WebauthnChallengesCleanup).run()).toBeGreaterThanOrEqual(2);
      const expired: { n: number }[] = await db.query(
        `SELECT count(*)::int AS n FROM webauthn_challenges WHERE expires_at <= now()`,
      );
      expect(expired[0].n).toBe(0);
      const response = await passwordless(await authenticate(live));
      expect(response.status).toBe(200);
      expect(decodeToken(response.body.accessToken).payload.sub).toBe(user.id);
    });

    it('gives a synced (backed-up) passkey amr swk', async () => {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      const synced = await addAuthenticator({ synced: true });
      try {
        const user = await userWithPasskey();
        const [listed] = (
          await t.http.get('/auth/passkeys').set(bearer(user.accessToken)).expect(200)
        ).body;
        expect(listed.backedUp).toBe(true);
        const response = await passwordless(
          await authenticate(await passwordlessOptions({ email: user.email })),
        ).expect(200);
        expect(decodeToken(response.body.accessToken).payload.amr).toEqual(['swk']);
      } finally {
        await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: synced });
        authenticatorId = await addAuthenticator({ synced: false });
      }
    });

    it('refuses an unconfirmed address under REQUIRE_VERIFIED_EMAIL (403), as a password sign-in', async () => {
      // A second instance with the setting on, on its own database; the page is one of its origins.
      const strict = await createTestApp({
        WEBAUTHN_RP_ID: 'localhost',
        WEBAUTHN_ORIGINS: site.url,
        REQUIRE_VERIFIED_EMAIL: 'true',
      });
      try {
        const strictDb = strict.app.get(DataSource);
        const user = await registerUser(strict.http);
        const verified = (at: 'now()' | 'NULL') =>
          strictDb.query(`UPDATE users SET email_verified_at = ${at} WHERE id = $1`, [user.id]);
        await verified('now()');
        const { accessToken } = (
          await strict.http
            .post('/auth/login')
            .send({ email: user.email, password: user.password })
            .expect(200)
        ).body;
        const options = await strict.http
          .post('/auth/passkeys/registration/options')
          .set(bearer(accessToken))
          .expect(200);
        await strict.http
          .post('/auth/passkeys/registration/verify')
          .set(bearer(accessToken))
          .send({ response: await register(options.body) })
          .expect(201);
        const signIn = async () =>
          strict.http.post('/auth/passkeys/authentication/verify').send({
            response: await authenticate(
              (
                await strict.http
                  .post('/auth/passkeys/authentication/options')
                  .send({ email: user.email })
                  .expect(200)
              ).body,
            ),
          });

        // The address is unproven again (as after an email change): no tokens, 403 not 401.
        await verified('NULL');
        const refused = await signIn();
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('email_not_verified');
        expect(refused.body).not.toHaveProperty('accessToken');

        await verified('now()');
        const accepted = await signIn();
        expect(accepted.status).toBe(200);
        expect(decodeToken(accepted.body.accessToken).payload.sub).toBe(user.id);
      } finally {
        await strict.close();
      }
    });
  });

  describe('as a second factor', () => {
    it('asks for it after the password and completes with it: amr pwd hwk mfa', async () => {
      const user = await userWithPasskey();
      const first = await passwordSignIn(user.email, user.password);
      expect(first).toMatchObject({ mfaRequired: true, methods: ['webauthn'] });
      expect(first).not.toHaveProperty('accessToken');
      const options = first.webauthnOptions as Json;
      expect(options.allowCredentials).toEqual([{ id: user.credential.id, type: 'public-key' }]);
      const assertion = await authenticate(options);

      // A second-factor challenge does not sign in alone.
      const alone = await passwordless(assertion);
      expect(alone.status).toBe(401);
      expect(alone.body.code).toBe('invalid_passkey');

      const again = await passwordSignIn(user.email, user.password);
      const done = await t.http
        .post('/auth/login/mfa')
        .send({ mfaToken: again.mfaToken, webauthn: await authenticate(again.webauthnOptions) });
      expect(done.status).toBe(200);
      expect(String(done.headers['set-cookie'])).toContain('refresh_token=');
      const { payload } = decodeToken(done.body.accessToken);
      expect(payload.sub).toBe(user.id);
      expect(payload.amr).toEqual(['pwd', 'hwk', 'mfa']);
      const spent = await t.http
        .post('/auth/login/mfa')
        .send({ mfaToken: again.mfaToken, webauthn: assertion });
      expect(spent.body.code).toBe('invalid_mfa_token');
      const [event] = await auditOf(user.id, 'mfa_login_succeeded');
      expect(event.details).toEqual({ method: 'webauthn' });
    });

    it("refuses another user's passkey, keeping the mfaToken for another try", async () => {
      const user = await userWithPasskey();
      const other = await userWithPasskey();
      const first = await passwordSignIn(user.email, user.password);
      // The other account's passkey answering a challenge of its own sign-in.
      const foreign = await passwordSignIn(other.email, other.password);
      const wrong = await t.http
        .post('/auth/login/mfa')
        .send({ mfaToken: first.mfaToken, webauthn: await authenticate(foreign.webauthnOptions) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('invalid_mfa_code');
      const [failed] = await auditOf(user.id, 'mfa_login_failed');
      expect(failed.details).toMatchObject({ method: 'webauthn' });

      // The token is still good, but its passkey challenge is not for this sign-in: a new one is.
      const fresh = await passwordSignIn(user.email, user.password);
      const retry = await t.http
        .post('/auth/login/mfa')
        .send({ mfaToken: first.mfaToken, webauthn: await authenticate(fresh.webauthnOptions) });
      expect(retry.status).toBe(200);
      expect(decodeToken(retry.body.accessToken).payload.amr).toEqual(['pwd', 'hwk', 'mfa']);
    });
  });

  describe('managing passkeys', () => {
    it('removes a passkey (404 for anyone else, step-up after 5 minutes), audited', async () => {
      const user = await userWithPasskey();
      const other = await registerUser(t.http);
      const { accessToken: otherToken } = await passwordSignIn(other.email, other.password);
      const id = user.registered.body.id as string;
      const notYours = await t.http
        .delete(`/auth/passkeys/${id}`)
        .set(bearer(otherToken as string));
      expect(notYours.status).toBe(404);
      expect(notYours.body.code).toBe('passkey_not_found');
      await t.http
        .delete(`/auth/passkeys/${randomUUID()}`)
        .set(bearer(user.accessToken))
        .expect(404);
      await t.http.delete('/auth/passkeys/not-a-uuid').set(bearer(user.accessToken)).expect(400);

      // A token of a sign-in older than 5 minutes (RFC 9470 max_age): 401, sign in again.
      await db.query(
        `UPDATE sessions SET auth_time = now() - interval '10 minutes' WHERE user_id = $1`,
        [user.id],
      );
      const refreshed = await t.http
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(200);
      const stale = await t.http
        .delete(`/auth/passkeys/${id}`)
        .set(bearer(refreshed.body.accessToken));
      expect(stale.status).toBe(401);
      expect(stale.body.code).toBe('insufficient_user_authentication');
      expect(stale.headers['www-authenticate']).toContain('max_age=300');

      await t.http.delete(`/auth/passkeys/${id}`).set(bearer(user.accessToken)).expect(204);
      expect(
        (await t.http.get('/auth/passkeys').set(bearer(user.accessToken)).expect(200)).body,
      ).toEqual([]);
      const signIn = await passwordSignIn(user.email, user.password);
      expect(signIn.accessToken).toEqual(expect.any(String));
      const [event] = await auditOf(user.id, 'passkey_removed');
      expect(event).toMatchObject({ actorId: user.id, details: { passkeyId: id } });
      // The authenticator still holds the key; the server no longer knows it.
      const response = await passwordless(await authenticate(await passwordlessOptions()));
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_passkey');
    });

    it("lets an administrator's MFA reset remove the passkeys too", async () => {
      const user = await userWithPasskey();
      await t.http.delete(`/users/${user.id}/mfa`).set(bearer(admin)).expect(204);
      const rows = await db.query(`SELECT 1 FROM webauthn_credentials WHERE user_id = $1`, [
        user.id,
      ]);
      expect(rows).toHaveLength(0);
      const signIn = await passwordSignIn(user.email, user.password);
      expect(signIn.accessToken).toEqual(expect.any(String));
    });
  });
});
