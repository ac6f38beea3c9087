import { Controller, Get, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { RequireAuthLevel } from '../src/auth/decorators/require-auth-level.decorator.js';
import { Scopes } from '../src/auth/decorators/scopes.decorator.js';
import { bearer } from './factories/session.factory.js';
import { loginAdmin, registerUser } from './factories/user.factory.js';
import { decodeToken } from './support/jwt.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Routes that demand a stronger or a recent sign-in, to test the challenge on. */
@Controller('step-up-probe')
class StepUpProbeController {
  @RequireAuthLevel({ mfa: true })
  @Get('mfa')
  mfa(): { ok: true } {
    return { ok: true };
  }

  @RequireAuthLevel({ mfa: true, maxAgeSeconds: 300 })
  @Get('both')
  both(): { ok: true } {
    return { ok: true };
  }

  @Scopes('projects:read')
  @RequireAuthLevel({ maxAgeSeconds: 300 })
  @Get('scoped-recent')
  scopedRecent(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [StepUpProbeController] })
class StepUpProbeModule {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.floor(Date.now() / 1000);
/** The code an authenticator app shows `steps` time steps from now (30 s each). */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: now() + steps * 30 });

/** Parses `Bearer a="b", c=d` into its parameters. */
function challengeParameters(header: string): Record<string, string> {
  expect(header.startsWith('Bearer ')).toBe(true);
  const parameters: Record<string, string> = {};
  for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) {
    parameters[match[1]] = match[2] ?? match[3];
  }
  return parameters;
}

function expectStepUp(response: Response, expected: Record<string, string>): void {
  expect(response.status).toBe(401);
  expect(response.body).toMatchObject({
    statusCode: 401,
    error: 'Unauthorized',
    code: 'insufficient_user_authentication',
  });
  expect(typeof response.body.message).toBe('string');
  const parameters = challengeParameters(response.headers['www-authenticate']);
  expect(parameters).toEqual({
    realm: 'sentinel',
    error: 'insufficient_user_authentication',
    error_description: response.body.message,
    ...expected,
  });
}

describe('TOTP, recovery codes and step-up (issue 14)', () => {
  let t: TestApp;
  let admin: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp(
      { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ACCOUNT: '6' },
      { modules: [StepUpProbeModule] },
    );
    admin = await loginAdmin(t.http);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const password = (email: string, pw: string) =>
    t.http.post('/auth/login').send({ email, password: pw });
  const second = (body: Record<string, unknown>) => t.http.post('/auth/login/mfa').send(body);

  /** `read()` again until `done` says yes or 3 s have passed (audit rows are written after). */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await sleep(25);
    }
  }

  /** The user's audit events, newest first, once every event recorded so far is written. */
  const auditTypes = async (userId: string) => {
    await t.auditWritten();
    const { body } = await t.http
      .get(`/audit-events?userId=${userId}&limit=100`)
      .set(bearer(admin))
      .expect(200);
    return body.items as {
      type: string;
      actorId: string | null;
      details: Record<string, unknown>;
    }[];
  };

  /** A new account with TOTP on: its secret, recovery codes and the code the confirmation spent. */
  async function enrolledUser() {
    const user = await registerUser(t.http);
    const first = await password(user.email, user.password).expect(200);
    const accessToken = first.body.accessToken as string;
    const setup = await t.http.post('/auth/mfa/totp/setup').set(bearer(accessToken)).expect(200);
    const secret = setup.body.secret as string;
    const confirmedCode = await codeAt(secret);
    const confirmed = await t.http
      .post('/auth/mfa/totp/confirm')
      .set(bearer(accessToken))
      .send({ code: confirmedCode })
      .expect(200);
    return {
      ...user,
      accessToken,
      secret,
      confirmedCode,
      recoveryCodes: confirmed.body.recoveryCodes as string[],
    };
  }

  async function mfaToken(email: string, pw: string): Promise<string> {
    const response = await password(email, pw).expect(200);
    return response.body.mfaToken;
  }

  describe('enrolment', () => {
    it('sets up a pending secret (otpauth URI, SVG QR code), confirms it with a code, and returns 10 recovery codes', async () => {
      const user = await registerUser(t.http);
      const token = (await password(user.email, user.password).expect(200)).body.accessToken;
      const setup = await t.http.post('/auth/mfa/totp/setup').set(bearer(token)).expect(200);
      expect(setup.body.secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
      expect(setup.body.otpauthUri).toContain(`secret=${setup.body.secret}`);
      expect(setup.body.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(setup.headers['cache-control']).toBe('no-store');

      // Not active yet: the password alone still signs in.
      expect((await password(user.email, user.password).expect(200)).body.accessToken).toEqual(
        expect.any(String),
      );

      const wrong = await t.http
        .post('/auth/mfa/totp/confirm')
        .set(bearer(token))
        .send({ code: await codeAt(setup.body.secret, -3) });
      expect(wrong.status).toBe(403);
      expect(wrong.body).toMatchObject({ code: 'invalid_mfa_code' });

      const confirmed = await t.http
        .post('/auth/mfa/totp/confirm')
        .set(bearer(token))
        .send({ code: await codeAt(setup.body.secret) })
        .expect(200);
      expect(confirmed.body.recoveryCodes).toHaveLength(10);
      expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);

      const again = await t.http.post('/auth/mfa/totp/setup').set(bearer(token));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'totp_already_enabled' });
    });

    it('keeps the secret encrypted at rest and the recovery codes hashed', async () => {
      const user = await enrolledUser();
      const [row] = await db.query('SELECT secret_encrypted FROM totp_secrets WHERE user_id = $1', [
        user.id,
      ]);
      expect(row.secret_encrypted).not.toContain(user.secret);
      const codes: { code_hash: Buffer }[] = await db.query(
        'SELECT code_hash FROM recovery_codes WHERE user_id = $1',
        [user.id],
      );
      expect(codes).toHaveLength(10);
      const stored = codes.map((code) => code.code_hash.toString('utf8')).join(' ');
      for (const code of user.recoveryCodes) expect(stored).not.toContain(code);
    });

    it('refuses bad input with 400 and confirm without setup with 409', async () => {
      const user = await registerUser(t.http);
      const token = (await password(user.email, user.password).expect(200)).body.accessToken;
      for (const body of [{}, { code: '12345' }, { code: 'abcdef' }, { code: '123456', x: 1 }]) {
        const response = await t.http.post('/auth/mfa/totp/confirm').set(bearer(token)).send(body);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('validation_failed');
      }
      const early = await t.http
        .post('/auth/mfa/totp/confirm')
        .set(bearer(token))
        .send({ code: '123456' });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('totp_setup_required');
      await t.http.post('/auth/mfa/totp/setup').expect(401);
    });
  });

  describe('sign-in with a second factor', () => {
    it('answers the right password with mfaRequired and no token, then signs in with a code: amr pwd otp mfa and auth_time', async () => {
      const user = await enrolledUser();
      const first = await password(user.email, user.password).expect(200);
      expect(first.body).toEqual({
        mfaRequired: true,
        mfaToken: expect.any(String),
        methods: ['totp', 'recovery_code'],
      });
      expect(first.headers['set-cookie']).toBeUndefined();

      const before = now();
      const done = await second({
        mfaToken: first.body.mfaToken,
        code: await codeAt(user.secret, 1),
      }).expect(200);
      expect(done.body).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });
      expect(String(done.headers['set-cookie'])).toContain('refresh_token=');
      const claims = decodeToken(done.body.accessToken).payload;
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
      expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
      expect(claims.auth_time).toBeLessThanOrEqual(now() + 1);
      await t.http.get('/step-up-probe/mfa').set(bearer(done.body.accessToken)).expect(200);

      // Refresh keeps the session's amr and auth_time.
      await sleep(1100);
      const refreshed = await t.http
        .post('/auth/refresh')
        .send({ refreshToken: done.body.refreshToken })
        .expect(200);
      const again = decodeToken(refreshed.body.accessToken).payload;
      expect(again.amr).toEqual(['pwd', 'otp', 'mfa']);
      expect(again.auth_time).toBe(claims.auth_time);
      expect(again.iat).toBeGreaterThan(claims.iat as number);

      // The mfaToken was spent.
      const reused = await second({
        mfaToken: first.body.mfaToken,
        code: await codeAt(user.secret),
      });
      expect(reused.status).toBe(401);
      expect(reused.body.code).toBe('invalid_mfa_token');
    });

    it('gives a password-only sign-in amr pwd and auth_time, which fails a step-up to mfa', async () => {
      const user = await registerUser(t.http);
      const token = (await password(user.email, user.password).expect(200)).body.accessToken;
      const claims = decodeToken(token).payload;
      expect(claims.amr).toEqual(['pwd']);
      expect(typeof claims.auth_time).toBe('number');
      expectStepUp(await t.http.get('/step-up-probe/mfa').set(bearer(token)), {
        acr_values: 'mfa',
      });
    });

    it('refuses a replayed code, even on a new mfaToken', async () => {
      const user = await enrolledUser();
      const replay = await second({
        mfaToken: await mfaToken(user.email, user.password),
        code: user.confirmedCode,
      });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('invalid_mfa_code');

      const code = await codeAt(user.secret, 1);
      await second({ mfaToken: await mfaToken(user.email, user.password), code }).expect(200);
      const again = await second({ mfaToken: await mfaToken(user.email, user.password), code });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('invalid_mfa_code');
    });

    it('accepts one step of drift and no more', async () => {
      const user = await enrolledUser();
      const token = await mfaToken(user.email, user.password);
      for (const steps of [-2, 2, -3]) {
        const response = await second({ mfaToken: token, code: await codeAt(user.secret, steps) });
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('invalid_mfa_code');
      }
      // Those three locked this address out (LOGIN_MAX_FAILURES=3): a new account for the rest.
      const other = await enrolledUser();
      await second({
        mfaToken: await mfaToken(other.email, other.password),
        code: await codeAt(other.secret, 1),
      }).expect(200);
    });

    it('signs in with each recovery code once', async () => {
      const user = await enrolledUser();
      const [code] = user.recoveryCodes;
      const done = await second({
        mfaToken: await mfaToken(user.email, user.password),
        recoveryCode: code.toUpperCase(),
      }).expect(200);
      expect(decodeToken(done.body.accessToken).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
      const again = await second({
        mfaToken: await mfaToken(user.email, user.password),
        recoveryCode: code,
      });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('invalid_mfa_code');
      await second({
        mfaToken: await mfaToken(user.email, user.password),
        recoveryCode: user.recoveryCodes[1],
      }).expect(200);
    });

    it('spends no recovery code in a second step that loses a race for its mfaToken', async () => {
      const user = await enrolledUser();
      const unused = async () =>
        (
          await db.query(
            'SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
            [user.id],
          )
        )[0].n as number;
      // Each round: one mfaToken, a TOTP step and a recovery-code step sent at the same moment.
      // One signs in; when the recovery code's step is the one refused, its code is still unused.
      for (let round = 0; round < 5; round++) {
        const token = await mfaToken(user.email, user.password);
        const before = await unused();
        const recoveryCode = user.recoveryCodes[round];
        // A fresh time step each round (a code works once), within the allowed drift.
        await db.query('UPDATE totp_secrets SET last_used_step = NULL WHERE user_id = $1', [
          user.id,
        ]);
        const [byCode, byRecovery] = await Promise.all([
          second({ mfaToken: token, code: await codeAt(user.secret) }),
          second({ mfaToken: token, recoveryCode }),
        ]);
        expect([byCode.status, byRecovery.status].sort()).toEqual([200, 401]);
        const loser = byCode.status === 401 ? byCode : byRecovery;
        expect(loser.body.code).toBe('invalid_mfa_token');
        expect(await unused()).toBe(byRecovery.status === 200 ? before - 1 : before);
      }
    });

    it('gives the mfaToken back after a wrong code, for the user to type again', async () => {
      const user = await enrolledUser();
      const token = await mfaToken(user.email, user.password);
      const wrong = await second({ mfaToken: token, recoveryCode: 'aaaaa-aaaaa' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('invalid_mfa_code');
      await second({ mfaToken: token, recoveryCode: user.recoveryCodes[0] }).expect(200);
      const spent = await second({ mfaToken: token, recoveryCode: user.recoveryCodes[1] });
      expect(spent.body.code).toBe('invalid_mfa_token');
    });

    it('refuses unknown mfaTokens and malformed second steps', async () => {
      const unknown = await second({ mfaToken: randomUUID(), code: '123456' });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toMatchObject({ statusCode: 401, code: 'invalid_mfa_token' });
      const user = await enrolledUser();
      const token = await mfaToken(user.email, user.password);
      for (const body of [
        { mfaToken: token },
        { mfaToken: token, code: '123456', recoveryCode: 'abcde-fghjk' },
        { mfaToken: token, code: '123456', webauthn: { id: 'x' } },
        { mfaToken: token, webauthn: 'not an object' },
        { mfaToken: token, code: 123456 },
        { code: '123456' },
      ]) {
        const response = await second(body);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('validation_failed');
      }
    });

    it('refuses an expired mfaToken', async () => {
      const user = await enrolledUser();
      const token = await mfaToken(user.email, user.password);
      await db.query(
        `UPDATE mfa_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
        [user.id],
      );
      const response = await second({ mfaToken: token, code: await codeAt(user.secret, 1) });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('invalid_mfa_token');
    });

    it('counts wrong codes into the lockout, and a right password in between does not clear them', async () => {
      const user = await enrolledUser();
      const token = await mfaToken(user.email, user.password);
      for (let i = 0; i < 2; i++) {
        await second({ mfaToken: token, code: await codeAt(user.secret, -5 - i) }).expect(401);
      }
      // An attacker with the password signs in again for a fresh mfaToken: the count stays.
      const fresh = await mfaToken(user.email, user.password);
      await second({ mfaToken: fresh, code: await codeAt(user.secret, -8) }).expect(401);
      const locked = await second({ mfaToken: fresh, code: await codeAt(user.secret, 1) });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('too_many_attempts');
      expect((await password(user.email, user.password)).status).toBe(429);
      const types = (await auditTypes(user.id)).map((event) => event.type);
      expect(types.filter((type) => type === 'mfa_login_failed')).toHaveLength(3);
    });
  });

  describe('managing factors, with step-up', () => {
    /** A sign-in through the second factor: a token with amr mfa and a fresh auth_time. */
    async function signedInWithCode(user: { email: string; password: string; secret: string }) {
      const response = await second({
        mfaToken: await mfaToken(user.email, user.password),
        code: await codeAt(user.secret, 1),
      }).expect(200);
      return response.body as { accessToken: string; refreshToken: string };
    }

    /** The same session's tokens as if the user had signed in 10 minutes ago. */
    async function agedTokens(refreshToken: string, accessToken: string) {
      const sid = decodeToken(accessToken).payload.sid;
      await db.query(
        `UPDATE sessions SET auth_time = now() - interval '10 minutes' WHERE id = $1`,
        [sid],
      );
      return (await t.http.post('/auth/refresh').send({ refreshToken }).expect(200)).body
        .accessToken as string;
    }

    it('turns TOTP off with the password, within 5 minutes of the sign-in only (RFC 9470 max_age)', async () => {
      const user = await enrolledUser();
      const session = await signedInWithCode(user);
      const old = await agedTokens(session.refreshToken, session.accessToken);
      expectStepUp(
        await t.http.delete('/auth/mfa/totp').set(bearer(old)).send({ code: '123456' }),
        { max_age: '300' },
      );
      expectStepUp(await t.http.get('/step-up-probe/both').set(bearer(old)), {
        acr_values: 'mfa',
        max_age: '300',
      });

      // The next TOTP step is spent: a recovery code signs in afresh.
      const fresh = (
        await second({
          mfaToken: await mfaToken(user.email, user.password),
          recoveryCode: user.recoveryCodes[0],
        }).expect(200)
      ).body;
      const wrong = await t.http
        .delete('/auth/mfa/totp')
        .set(bearer(fresh.accessToken))
        .send({ currentPassword: 'not-the-password' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('invalid_current_password');
      await t.http
        .delete('/auth/mfa/totp')
        .set(bearer(fresh.accessToken))
        .send({ currentPassword: user.password })
        .expect(204);
      // The password alone signs in again.
      const after = await password(user.email, user.password).expect(200);
      expect(after.body.accessToken).toEqual(expect.any(String));
      const gone = await t.http
        .delete('/auth/mfa/totp')
        .set(bearer(fresh.accessToken))
        .send({ currentPassword: user.password });
      expect(gone.status).toBe(409);
      expect(gone.body.code).toBe('totp_not_enabled');
    });

    it('replaces the recovery codes: the old set dies', async () => {
      const user = await enrolledUser();
      const session = (
        await second({
          mfaToken: await mfaToken(user.email, user.password),
          recoveryCode: user.recoveryCodes[2],
        }).expect(200)
      ).body;
      const old = await agedTokens(session.refreshToken, session.accessToken);
      expectStepUp(
        await t.http.post('/auth/mfa/recovery-codes').set(bearer(old)).send({ code: '123456' }),
        { max_age: '300' },
      );
      const fresh = await password(user.email, user.password).expect(200);
      const viaRecovery = await second({
        mfaToken: fresh.body.mfaToken,
        recoveryCode: user.recoveryCodes[0],
      }).expect(200);
      const replaced = await t.http
        .post('/auth/mfa/recovery-codes')
        .set(bearer(viaRecovery.body.accessToken))
        .send({ code: await codeAt(user.secret, 1) })
        .expect(200);
      expect(replaced.body.recoveryCodes).toHaveLength(10);
      const dead = await second({
        mfaToken: await mfaToken(user.email, user.password),
        recoveryCode: user.recoveryCodes[1],
      });
      expect(dead.status).toBe(401);
      await second({
        mfaToken: await mfaToken(user.email, user.password),
        recoveryCode: replaced.body.recoveryCodes[0],
      }).expect(200);
    });

    it('requires a recent sign-in to change the password', async () => {
      const user = await registerUser(t.http);
      const first = await password(user.email, user.password).expect(200);
      const old = await agedTokens(first.body.refreshToken, first.body.accessToken);
      const body = { currentPassword: user.password, newPassword: `new-${randomUUID()}` };
      expectStepUp(await t.http.post('/users/me/password').set(bearer(old)).send(body), {
        max_age: '300',
      });
      await t.http
        .post('/users/me/password')
        .set(bearer(first.body.accessToken))
        .send(body)
        .expect(204);
    });

    it('never lets an API key satisfy a step-up: it has no sign-in to judge', async () => {
      const user = await registerUser(t.http);
      const token = (await password(user.email, user.password).expect(200)).body.accessToken;
      await t.http.get('/step-up-probe/scoped-recent').set(bearer(token)).expect(200);
      const key = await t.http
        .post('/users/me/api-keys')
        .set(bearer(token))
        .send({ name: 'ci', scopes: ['projects:read'] })
        .expect(201);
      expectStepUp(
        await t.http.get('/step-up-probe/scoped-recent').set('x-api-key', key.body.key),
        { max_age: '300' },
      );
    });

    it('lets an administrator remove every factor of a user, ending their sessions, audited', async () => {
      const user = await enrolledUser();
      const session = await signedInWithCode(user);
      await t.http.delete(`/users/${user.id}/mfa`).set(bearer(session.accessToken)).expect(403);
      await t.http.delete(`/users/${randomUUID()}/mfa`).set(bearer(admin)).expect(404);
      await t.http.delete(`/users/${user.id}/mfa`).set(bearer(admin)).expect(204);
      await t.http.get('/auth/session').set(bearer(session.accessToken)).expect(401);
      const after = await password(user.email, user.password).expect(200);
      expect(after.body.accessToken).toEqual(expect.any(String));

      const events = await eventually(
        () => auditTypes(user.id),
        (items) => items.some((event) => event.type === 'mfa_reset'),
      );
      const types = events.map((event) => event.type);
      expect(types).toEqual(
        expect.arrayContaining(['mfa_enrolled', 'mfa_login_succeeded', 'mfa_reset']),
      );
      const reset = events.find((event) => event.type === 'mfa_reset')!;
      expect(reset.actorId).not.toBe(user.id);
      const enrolled = events.find((event) => event.type === 'mfa_enrolled')!;
      expect(enrolled.details).toEqual({ method: 'totp' });
    });
  });
});
