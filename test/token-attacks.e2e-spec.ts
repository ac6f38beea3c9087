import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUser, type TestUser } from './factories/user.factory.js';
import { b64, decodeToken, forgeWithAppSecret, hmacToken } from './support/jwt.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Every refused token: 401, invalid_token challenge (RFC 6750 §3), the API's error body. */
async function expectRefused(t: TestApp, token: string, code = 'invalid_token') {
  const response = await t.http
    .get('/users/me')
    .set('authorization', `Bearer ${token}`)
    .expect(401);
  expect(response.body).toMatchObject({ statusCode: 401, code });
  expect(response.headers['www-authenticate']).toMatch(
    /^Bearer realm="sentinel", error="invalid_token", error_description="[^"]+"$/,
  );
  return response;
}

describe('access-token verification refuses forged and malformed tokens', () => {
  let t: TestApp;
  let user: TestUser;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await createTestApp({ JWT_CLOCK_TOLERANCE: '30s' });
    user = await createUser(t.http);
    ({ header, payload } = decodeToken(user.accessToken));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts the genuine token (the baseline every case below departs from)', async () => {
    await t.http.get('/users/me').set('authorization', `Bearer ${user.accessToken}`).expect(200);
    // And a token re-signed with the app's own key and no changes is accepted too, so each
    // refusal below is caused by its one change.
    const resigned = forgeWithAppSecret(t, user.accessToken, {});
    await t.http.get('/users/me').set('authorization', `Bearer ${resigned}`).expect(200);
  });

  describe('alg "none" in any spelling', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])(
      'refuses alg %s with an empty or bogus signature',
      async (alg) => {
        const admin = { ...payload, roles: ['admin'] };
        const unsigned = `${b64({ ...header, alg })}.${b64(admin)}`;
        await expectRefused(t, `${unsigned}.`);
        await expectRefused(t, `${unsigned}.${Buffer.from('bogus').toString('base64url')}`);
      },
    );
  });

  describe('algorithm and key', () => {
    it('refuses HS512 even when signed with the right secret', async () => {
      await expectRefused(
        t,
        hmacToken({ ...header, alg: 'HS512' }, payload, t.env.JWT_SECRET, 512),
      );
    });

    it('refuses HS384 signed with the right secret', async () => {
      await expectRefused(
        t,
        hmacToken({ ...header, alg: 'HS384' }, payload, t.env.JWT_SECRET, 384),
      );
    });

    it('refuses HS256 signed with another secret under our kid', async () => {
      await expectRefused(
        t,
        hmacToken(header, payload, 'an-attacker-secret-that-is-long-enough!!'),
      );
    });

    it('refuses RS256 and ES256 headers on an HS256 deployment', async () => {
      const [, , signature] = user.accessToken.split('.');
      for (const alg of ['RS256', 'ES256', 'PS256']) {
        await expectRefused(t, `${b64({ ...header, alg })}.${b64(payload)}.${signature}`);
      }
    });

    it('refuses an unknown kid, a missing kid and kids with path or SQL characters', async () => {
      for (const kid of ['hs-unknown', '../../../../dev/null', "' OR '1'='1", '', 42]) {
        await expectRefused(t, hmacToken({ ...header, kid }, payload, t.env.JWT_SECRET));
      }
      const { kid: _kid, ...withoutKid } = header;
      await expectRefused(t, hmacToken(withoutKid, payload, t.env.JWT_SECRET));
    });
  });

  describe('key-carrying headers', () => {
    it('never fetches jku or x5u, nor trusts an embedded jwk', async () => {
      let hits = 0;
      const listener = createServer((_request, response) => {
        hits += 1;
        response.end('{}');
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const attackerSecret = 'the-attacker-chooses-this-secret-0123456789';
      const attackerJwk = {
        kty: 'oct',
        k: Buffer.from(attackerSecret).toString('base64url'),
        kid: 'mine',
      };
      try {
        for (const extra of [
          { jku: `${base}/jwks.json`, kid: 'mine' },
          { jku: `${base}/jwks.json` },
          { x5u: `${base}/cert.pem`, kid: 'mine' },
          { jwk: attackerJwk, kid: 'mine' },
          { jwk: attackerJwk },
        ]) {
          await expectRefused(
            t,
            hmacToken({ ...header, ...extra }, { ...payload, roles: ['admin'] }, attackerSecret),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(hits).toBe(0);
      } finally {
        await new Promise((resolve) => listener.close(resolve));
      }
    });
  });

  describe('signature integrity', () => {
    it('refuses a payload tampered under the original signature', async () => {
      const [h, , s] = user.accessToken.split('.');
      await expectRefused(t, `${h}.${b64({ ...payload, roles: ['admin'] })}.${s}`);
    });

    it('refuses stripped, truncated and bit-flipped signatures', async () => {
      const [h, p, s] = user.accessToken.split('.');
      await expectRefused(t, `${h}.${p}.`);
      await expectRefused(t, `${h}.${p}`);
      await expectRefused(t, `${h}.${p}.${s.slice(0, -4)}`);
      const flipped = Buffer.from(s, 'base64url');
      flipped[0] ^= 0x01;
      await expectRefused(t, `${h}.${p}.${flipped.toString('base64url')}`);
    });

    it.each(['garbage', 'a.b.c', '...', 'eyJhbGciOiJIUzI1NiJ9', '%%%.%%%.%%%'])(
      'refuses the malformed token %p',
      async (token) => {
        await expectRefused(t, token);
      },
    );
  });

  describe('claims, even when correctly signed', () => {
    it('refuses an expired token with token_expired', async () => {
      const expired = forgeWithAppSecret(t, user.accessToken, {
        payload: { iat: now() - 3600, exp: now() - 120 },
      });
      await expectRefused(t, expired, 'token_expired');
    });

    it('accepts a token expired within the clock tolerance, refuses one beyond it', async () => {
      const recent = forgeWithAppSecret(t, user.accessToken, { payload: { exp: now() - 5 } });
      await t.http.get('/users/me').set('authorization', `Bearer ${recent}`).expect(200);
      const late = forgeWithAppSecret(t, user.accessToken, { payload: { exp: now() - 60 } });
      await expectRefused(t, late, 'token_expired');
    });

    it('refuses a token that is not yet valid (nbf beyond the tolerance)', async () => {
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { nbf: now() + 600 } }),
      );
    });

    it('refuses a token without exp', async () => {
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { exp: undefined } }),
      );
    });

    it('refuses the wrong issuer and the wrong audience', async () => {
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { iss: 'https://evil.test' } }),
      );
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { aud: 'another-api' } }),
      );
    });

    it('refuses a JWT that is not typed as an access token', async () => {
      for (const typ of ['JWT', 'refresh+jwt', undefined]) {
        await expectRefused(t, forgeWithAppSecret(t, user.accessToken, { header: { typ } }));
      }
    });

    it('refuses a token without a subject or with malformed roles', async () => {
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { sub: undefined } }),
      );
      await expectRefused(
        t,
        forgeWithAppSecret(t, user.accessToken, { payload: { roles: 'admin' } }),
      );
    });
  });

  describe('how the token is presented', () => {
    it('treats a non-Bearer scheme or an empty Bearer as no token: bare challenge', async () => {
      for (const authorization of [
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        'Bearer',
        'Bearer ',
        user.accessToken,
      ]) {
        const response = await t.http
          .get('/users/me')
          .set('authorization', authorization)
          .expect(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="sentinel"');
        expect(response.body.code).toBe('missing_token');
      }
    });

    it('refuses a 100 KB token without a server error', async () => {
      const huge = `${b64(header)}.${'A'.repeat(100 * 1024)}.${'B'.repeat(43)}`;
      const response = await t.http
        .get('/users/me')
        .set('authorization', `Bearer ${huge}`)
        .ok(() => true);
      expect([401, 413, 431]).toContain(response.status);
    });
  });
});
