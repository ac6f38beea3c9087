import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { loginAdmin, registerUser, uniqueEmail } from './factories/user.factory.js';
import {
  createSmtpSink,
  linkToken,
  type ReceivedMail,
  type SmtpSink,
} from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const APP_URL = 'https://app.example.test';
const password = () => `pw-${randomUUID()}`;

/** A registration through HTTP, and its verification mail as the SMTP server received it. */
async function registerWithMail(t: TestApp, smtp: SmtpSink) {
  const user = await registerUser(t.http);
  const [mail] = await smtp.waitFor(user.email);
  return { ...user, mail };
}

async function me(t: TestApp, accessToken: string) {
  return (await t.http.get('/users/me').set(bearer(accessToken)).expect(200)).body;
}

/** The token is in the link only: once in the text part, and in the HTML only inside the href. */
function expectTokenOnlyInLink(mail: ReceivedMail, path: string) {
  const token = linkToken(mail);
  const link = `${APP_URL}${path}?token=${token}`;
  expect(mail.text).toContain(link);
  expect(mail.text.split(token)).toHaveLength(2);
  expect(mail.html).toContain(`href="${link}"`);
  expect(mail.html.split(token)).toHaveLength(2);
  expect(mail.subject).not.toContain(token);
  return token;
}

async function auditTypes(t: TestApp, userId: string, type: string) {
  const admin = await loginAdmin(t.http);
  const deadline = Date.now() + 3_000;
  for (;;) {
    const { body } = await t.http
      .get(`/audit-events?userId=${userId}&type=${type}`)
      .set(bearer(admin))
      .expect(200);
    if (body.items.length > 0 || Date.now() > deadline) return body.items;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('account email flows over SMTP', () => {
  let t: TestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await createSmtpSink();
    t = await createTestApp({
      MAIL_URL: smtp.url,
      MAIL_FROM: 'Sentinel <accounts@sentinel.test>',
      APP_URL,
      MAIL_POLL_INTERVAL: '1s',
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  describe('verification', () => {
    it('mails a verification link at registration whose token verifies the address, once', async () => {
      const user = await registerWithMail(t, smtp);
      const { mail } = user;
      expect(mail.to).toEqual([user.email]);
      expect(mail.parsed.from?.value[0].address).toBe('accounts@sentinel.test');
      expect(mail.subject).toBe('Confirm your email address');
      const token = expectTokenOnlyInLink(mail, '/verify-email');

      const { accessToken } = await signIn(t.http, user.email, user.password);
      expect((await me(t, accessToken)).emailVerified).toBe(false);
      await t.http.post('/auth/verify-email').send({ token }).expect(204);
      expect((await me(t, accessToken)).emailVerified).toBe(true);

      const again = await t.http.post('/auth/verify-email').send({ token }).expect(400);
      expect(again.body.code).toBe('invalid_or_expired_token');
      expect(await auditTypes(t, user.id, 'email_verified')).toHaveLength(1);
    });

    it('resends a new link that replaces the old one, then refuses once verified (409)', async () => {
      const user = await registerWithMail(t, smtp);
      const { accessToken } = await signIn(t.http, user.email, user.password);
      const resent = await t.http
        .post('/auth/verify-email/resend')
        .set(bearer(accessToken))
        .expect(202);
      expect(resent.body).toEqual({ status: 'verification_sent' });
      const [, second] = await smtp.waitFor(user.email, 2);

      const old = await t.http
        .post('/auth/verify-email')
        .send({ token: linkToken(user.mail) })
        .expect(400);
      expect(old.body.code).toBe('invalid_or_expired_token');
      await t.http
        .post('/auth/verify-email')
        .send({ token: linkToken(second) })
        .expect(204);

      const refused = await t.http
        .post('/auth/verify-email/resend')
        .set(bearer(accessToken))
        .expect(409);
      expect(refused.body.code).toBe('already_verified');
      await t.http.post('/auth/verify-email/resend').expect(401);
    });

    it('lets an administrator mark an address verified (audited), and nobody else', async () => {
      const user = await registerWithMail(t, smtp);
      const { accessToken } = await signIn(t.http, user.email, user.password);
      const forbidden = await t.http
        .post(`/users/${user.id}/verify-email`)
        .set(bearer(accessToken))
        .expect(403);
      expect(forbidden.body.code).toBe('insufficient_role');
      await t.http.post(`/users/${user.id}/verify-email`).expect(401);

      const admin = await loginAdmin(t.http);
      await t.http.post(`/users/${randomUUID()}/verify-email`).set(bearer(admin)).expect(404);
      await t.http.post(`/users/${user.id}/verify-email`).set(bearer(admin)).expect(204);
      expect((await me(t, accessToken)).emailVerified).toBe(true);
      const [event] = await auditTypes(t, user.id, 'email_verified');
      expect(event.actorId).not.toBe(user.id);
    });
  });

  describe('password reset', () => {
    it('answers 202 for unknown addresses too, and mails nobody', async () => {
      const unknown = uniqueEmail('nobody');
      const response = await t.http.post('/auth/password/forgot').send({ email: unknown });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ status: 'reset_requested' });
      // A known address's mail arrives within this; the unknown one's never does.
      const known = await registerWithMail(t, smtp);
      await t.http.post('/auth/password/forgot').send({ email: known.email }).expect(202);
      await smtp.waitFor(known.email, 2);
      expect(smtp.to(unknown)).toHaveLength(0);
    });

    it('resets the password with the mailed token: sessions end, lockout lifted, address verified, notice mailed, audited', async () => {
      const user = await registerWithMail(t, smtp);
      const before = await signIn(t.http, user.email, user.password);
      // Lock this address out of the account with wrong passwords.
      for (let i = 0; i < 5; i++) {
        await t.http.post('/auth/login').send({ email: user.email, password: 'wrong-password-1' });
      }
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(429);

      await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const [, resetMail] = await smtp.waitFor(user.email, 2);
      expect(resetMail.subject).toBe('Reset your password');
      const token = expectTokenOnlyInLink(resetMail, '/reset-password');

      const newPassword = password();
      await t.http.post('/auth/password/reset').send({ token, newPassword }).expect(204);

      const revoked = await t.http.get('/auth/session').set(bearer(before.accessToken)).expect(401);
      expect(revoked.body.code).toBe('token_revoked');
      expect((await refresh(t.http, before.refreshToken)).status).toBe(401);
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      const after = await signIn(t.http, user.email, newPassword);
      expect((await me(t, after.accessToken)).emailVerified).toBe(true);

      const [, , notice] = await smtp.waitFor(user.email, 3);
      expect(notice.subject).toBe('Your password was changed');
      expect(notice.text).not.toMatch(/token=/);
      expect(await auditTypes(t, user.id, 'password_reset')).toHaveLength(1);

      const reused = await t.http
        .post('/auth/password/reset')
        .send({ token, newPassword: password() })
        .expect(400);
      expect(reused.body.code).toBe('invalid_or_expired_token');
    });

    it('invalidates an older reset link when a new one is asked for', async () => {
      const user = await registerWithMail(t, smtp);
      await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const [, first] = await smtp.waitFor(user.email, 2);
      await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const [, , second] = await smtp.waitFor(user.email, 3);
      const stale = await t.http
        .post('/auth/password/reset')
        .send({ token: linkToken(first), newPassword: password() })
        .expect(400);
      expect(stale.body.code).toBe('invalid_or_expired_token');
      await t.http
        .post('/auth/password/reset')
        .send({ token: linkToken(second), newPassword: password() })
        .expect(204);
    });
  });

  describe('email change', () => {
    it('confirms a new address through the link sent to it; the old one gets a notice; other sessions end', async () => {
      const user = await registerWithMail(t, smtp);
      const asking = await signIn(t.http, user.email, user.password);
      const other = await signIn(t.http, user.email, user.password);
      const newEmail = uniqueEmail('moved');

      const wrong = await t.http
        .post('/users/me/email')
        .set(bearer(asking.accessToken))
        .send({ newEmail, currentPassword: 'not-the-password' })
        .expect(403);
      expect(wrong.body.code).toBe('invalid_current_password');

      const accepted = await t.http
        .post('/users/me/email')
        .set(bearer(asking.accessToken))
        .send({ newEmail, currentPassword: user.password })
        .expect(202);
      expect(accepted.body).toEqual({ status: 'confirmation_sent' });
      const [confirmation] = await smtp.waitFor(newEmail);
      expect(confirmation.subject).toBe('Confirm your new email address');
      const token = expectTokenOnlyInLink(confirmation, '/confirm-email');
      const [, notice] = await smtp.waitFor(user.email, 2);
      expect(notice.subject).toBe('Your email address is being changed');
      expect(notice.text).toContain(newEmail);
      expect(notice.text).not.toContain(token);

      await t.http.post('/auth/email/confirm').send({ token }).expect(204);
      const profile = await me(t, asking.accessToken);
      expect(profile.email).toBe(newEmail);
      expect(profile.emailVerified).toBe(true);
      await t.http.get('/auth/session').set(bearer(other.accessToken)).expect(401);
      await signIn(t.http, newEmail, user.password);
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      expect(await auditTypes(t, user.id, 'email_changed')).toHaveLength(1);

      const again = await t.http.post('/auth/email/confirm').send({ token }).expect(400);
      expect(again.body.code).toBe('invalid_or_expired_token');
    });

    it('lets a pending change die with the session that asked, or with a password reset', async () => {
      const user = await registerWithMail(t, smtp);
      const thief = await signIn(t.http, user.email, user.password);
      const first = uniqueEmail('thief');
      await t.http
        .post('/users/me/email')
        .set(bearer(thief.accessToken))
        .send({ newEmail: first, currentPassword: user.password })
        .expect(202);
      const [firstLink] = await smtp.waitFor(first);
      await t.http.post('/auth/logout').set(bearer(thief.accessToken)).expect(204);
      const afterLogout = await t.http
        .post('/auth/email/confirm')
        .send({ token: linkToken(firstLink) })
        .expect(400);
      expect(afterLogout.body.code).toBe('invalid_or_expired_token');

      const again = await signIn(t.http, user.email, user.password);
      const second = uniqueEmail('thief');
      await t.http
        .post('/users/me/email')
        .set(bearer(again.accessToken))
        .send({ newEmail: second, currentPassword: user.password })
        .expect(202);
      const [secondLink] = await smtp.waitFor(second);
      // The owner resets the password (mails so far: verification, two notices, then the reset).
      await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const reset = (await smtp.waitFor(user.email, 4))[3];
      await t.http
        .post('/auth/password/reset')
        .send({ token: linkToken(reset), newPassword: password() })
        .expect(204);
      const afterReset = await t.http
        .post('/auth/email/confirm')
        .send({ token: linkToken(secondLink) })
        .expect(400);
      expect(afterReset.body.code).toBe('invalid_or_expired_token');
    });

    it('answers 409 email_taken for a taken address (REGISTRATION_REVEALS_ACCOUNTS=true)', async () => {
      const user = await registerWithMail(t, smtp);
      const taken = await registerWithMail(t, smtp);
      const { accessToken } = await signIn(t.http, user.email, user.password);
      const response = await t.http
        .post('/users/me/email')
        .set(bearer(accessToken))
        .send({ newEmail: taken.email, currentPassword: user.password })
        .expect(409);
      expect(response.body.code).toBe('email_taken');
    });

    it('gives one address to one of two accounts confirming it at once, 409 to the other', async () => {
      const target = uniqueEmail('contested');
      const tokens: string[] = [];
      for (let i = 0; i < 2; i++) {
        const user = await registerWithMail(t, smtp);
        const { accessToken } = await signIn(t.http, user.email, user.password);
        await t.http
          .post('/users/me/email')
          .set(bearer(accessToken))
          .send({ newEmail: target, currentPassword: user.password })
          .expect(202);
        tokens.push(linkToken((await smtp.waitFor(target, i + 1))[i]));
      }
      const results = await Promise.all(
        tokens.map((token) => t.http.post('/auth/email/confirm').send({ token })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('email_taken');
    });
  });

  describe('bad input', () => {
    const bodies: unknown[] = [
      {},
      { token: '' },
      { token: 'x'.repeat(43) + '!' },
      { token: 'A'.repeat(43) },
      { token: 'A'.repeat(5000) },
      { token: 42 },
      { token: ['a'] },
      { token: { $ne: null } },
      { token: null },
      { token: 'A'.repeat(43), extra: true },
    ];
    const routes = ['/auth/verify-email', '/auth/email/confirm', '/auth/password/reset'];

    it.each(routes)('%s: every bad body is a 4xx JSON error with a code', async (route) => {
      for (const body of bodies) {
        const sent =
          route === '/auth/password/reset' && body && typeof body === 'object'
            ? { newPassword: password(), ...body }
            : body;
        const response = await t.http.post(route).send(sent as object);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body.code).toEqual(expect.any(String));
        expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
      }
    });

    it('refuses bad addresses and passwords on forgot, reset and email change with 400', async () => {
      for (const email of ['', 'not-an-email', 'a@', 42, null, 'a'.repeat(300) + '@x.com']) {
        const response = await t.http.post('/auth/password/forgot').send({ email }).expect(400);
        expect(response.body.code).toBe('validation_failed');
      }
      const short = await t.http
        .post('/auth/password/reset')
        .send({ token: 'A'.repeat(43), newPassword: 'short' })
        .expect(400);
      expect(short.body.code).toBe('validation_failed');
      const user = await registerWithMail(t, smtp);
      const { accessToken } = await signIn(t.http, user.email, user.password);
      for (const body of [
        {},
        { newEmail: 'nope', currentPassword: user.password },
        { newEmail: uniqueEmail(), currentPassword: '' },
        { newEmail: uniqueEmail(), currentPassword: user.password, roles: ['admin'] },
      ]) {
        const response = await t.http
          .post('/users/me/email')
          .set(bearer(accessToken))
          .send(body)
          .expect(400);
        expect(response.body.code).toBe('validation_failed');
      }
      await t.http.post('/users/me/email').send({}).expect(401);
      const admin = await loginAdmin(t.http);
      const badId = await t.http.post('/users/not-a-uuid/verify-email').set(bearer(admin));
      expect(badId.status).toBe(400);
      expect(badId.body.code).toEqual(expect.any(String));
    });
  });

  describe('REGISTRATION_REVEALS_ACCOUNTS=false', () => {
    let hidden: TestApp;

    beforeAll(async () => {
      hidden = await t.restart({ REGISTRATION_REVEALS_ACCOUNTS: 'false' });
      t = hidden;
    });

    it('answers a new and a taken address alike (202), and tells only the owner', async () => {
      const email = uniqueEmail('hidden');
      const fresh = await hidden.http
        .post('/auth/register')
        .send({ email, password: password() })
        .expect(202);
      expect(fresh.body).toEqual({ status: 'verification_sent' });
      const [verification] = await smtp.waitFor(email);
      expect(verification.subject).toBe('Confirm your email address');

      const taken = await hidden.http
        .post('/auth/register')
        .send({ email, password: password() })
        .expect(202);
      expect(taken.body).toEqual(fresh.body);
      const [, attempt] = await smtp.waitFor(email, 2);
      expect(attempt.subject).toBe('Someone tried to register with your address');
      expect(attempt.text).not.toMatch(/token=/);
    });

    it('accepts an email change to a taken address (202); its confirmation fails with 409', async () => {
      const ownerEmail = uniqueEmail('owner');
      const pw = password();
      await hidden.http
        .post('/auth/register')
        .send({ email: ownerEmail, password: pw })
        .expect(202);
      const otherEmail = uniqueEmail('other');
      await hidden.http
        .post('/auth/register')
        .send({ email: otherEmail, password: pw })
        .expect(202);
      const { accessToken } = await signIn(hidden.http, ownerEmail, pw);
      await hidden.http
        .post('/users/me/email')
        .set(bearer(accessToken))
        .send({ newEmail: otherEmail, currentPassword: pw })
        .expect(202);
      const [, confirmation] = await smtp.waitFor(otherEmail, 2);
      const response = await hidden.http
        .post('/auth/email/confirm')
        .send({ token: linkToken(confirmation) })
        .expect(409);
      expect(response.body.code).toBe('email_taken');
    });
  });

  describe('REQUIRE_VERIFIED_EMAIL=true', () => {
    it('refuses a right password of an unverified account with 403, and its older sessions’ refresh', async () => {
      t = await t.restart({ REGISTRATION_REVEALS_ACCOUNTS: 'true' });
      const user = await registerWithMail(t, smtp);
      // Opened before the requirement, while unverified.
      const early = await signIn(t.http, user.email, user.password);
      t = await t.restart({ REQUIRE_VERIFIED_EMAIL: 'true' });

      const refused = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(403);
      expect(refused.body.code).toBe('email_not_verified');
      const wrong = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: 'wrong-password-2' })
        .expect(401);
      expect(wrong.body.code).toBe('invalid_credentials');

      const stale = await refresh(t.http, early.refreshToken);
      expect(stale.status).toBe(403);
      expect(stale.body.code).toBe('email_not_verified');

      await t.http
        .post('/auth/verify-email')
        .send({ token: linkToken(user.mail) })
        .expect(204);
      const verified = await signIn(t.http, user.email, user.password);
      expect((await refresh(t.http, verified.refreshToken)).status).toBe(200);
    });
  });
});

describe('account email without MAIL_URL', () => {
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
  });

  it('writes .eml files under DATA_DIR/mail that a newcomer can open and follow', async () => {
    t = await createTestApp({
      MAIL_URL: '',
      MAIL_POLL_INTERVAL: '1s',
      APP_URL: 'http://localhost:3000',
      REGISTRATION_REVEALS_ACCOUNTS: 'true',
      REQUIRE_VERIFIED_EMAIL: 'false',
    });
    const user = await registerUser(t.http);
    const directory = join(t.env.DATA_DIR, 'mail');
    const deadline = Date.now() + 10_000;
    let files: string[] = [];
    while (files.length === 0 && Date.now() < deadline) {
      files = await readdir(directory).catch(() => []);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const parsed = await simpleParser(await readFile(join(directory, files[0])));
    expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toBe(user.email);
    const token = /token=([A-Za-z0-9_-]{43})/.exec(parsed.text ?? '')![1];
    expect(parsed.text).toContain(`http://localhost:3000/verify-email?token=${token}`);
    await t.http.post('/auth/verify-email').send({ token }).expect(204);
  });

  it('with MAIL_URL=disabled, the routes that need mail answer 503 mail_disabled', async () => {
    t = await t.restart({ MAIL_URL: 'disabled' });
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const responses = [
      await t.http.post('/auth/password/forgot').send({ email: user.email }),
      await t.http.post('/auth/verify-email/resend').set(bearer(accessToken)),
      await t.http
        .post('/users/me/email')
        .set(bearer(accessToken))
        .send({ newEmail: uniqueEmail(), currentPassword: user.password }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('mail_disabled');
    }
  });
});
