import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { AuthUser } from '../src/auth/auth-user.js';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator.js';
import { Roles } from '../src/auth/decorators/roles.decorator.js';
import { ResourceServerModule } from '../src/auth/resource-server.module.js';
import { bearer, signIn } from './factories/session.factory.js';
import { loginAdmin, registerUser } from './factories/user.factory.js';
import { b64, decodeToken } from './support/jwt.js';
import {
  createKeysDir,
  hmacWith,
  newKeyPair,
  signToken,
  type AsymmetricAlgorithm,
} from './support/keys.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PRIVATE_PARAMETERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe.each(['RS256', 'ES256'] as AsymmetricAlgorithm[])('%s signing keys', (alg) => {
  let t: TestApp;
  let keys: Awaited<ReturnType<typeof createKeysDir>>;
  let user: { email: string; password: string };
  let genuine: string;

  const accepted = (token: string) => t.http.get('/auth/session').set(bearer(token));
  const expectRefused = async (token: string) => {
    const response = await accepted(token).ok(() => true);
    expect({ status: response.status, challenge: response.headers['www-authenticate'] }).toEqual({
      status: 401,
      challenge: expect.stringMatching(/^Bearer realm="sentinel", error="invalid_token"/),
    });
  };
  const verifyWithJose = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`)), {
      issuer: 'sentinel',
      audience: 'sentinel-api',
      algorithms: [alg],
      typ: 'at+jwt',
    });

  beforeAll(async () => {
    keys = await createKeysDir();
    await keys.add('2026-01-a', alg);
    t = await createTestApp(
      { JWT_ALG: alg, JWT_KEYS_DIR: keys.dir, JWT_SECRET: '' },
      { listen: true },
    );
    user = await registerUser(t.http);
    genuine = (await signIn(t.http, user.email, user.password)).accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await keys?.remove();
  });

  it('signs with the key file’s kid and verifies its own tokens', async () => {
    expect(decodeToken(genuine).header).toEqual({ alg, typ: 'at+jwt', kid: '2026-01-a' });
    await accepted(genuine).expect(200);
  });

  it('publishes the public key at /.well-known/jwks.json, and nothing private', async () => {
    const response = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.body.keys).toHaveLength(1);
    const [jwk] = response.body.keys;
    expect(jwk).toMatchObject({
      kid: '2026-01-a',
      alg,
      use: 'sig',
      kty: alg === 'RS256' ? 'RSA' : 'EC',
    });
    for (const parameter of PRIVATE_PARAMETERS) expect(jwk).not.toHaveProperty(parameter);
  });

  it('is verified by another library (jose) from the JWKS URL alone', async () => {
    const { payload, protectedHeader } = await verifyWithJose(genuine);
    expect(payload.sub).toBe(decodeToken(genuine).payload.sub);
    expect(protectedHeader.kid).toBe('2026-01-a');
  });

  describe('attacks', () => {
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    let jwks: { keys: Record<string, unknown>[] };
    let publicPem: string;

    beforeAll(async () => {
      ({ header, payload } = decodeToken(genuine));
      payload = { ...payload, roles: ['admin'] };
      jwks = (await t.http.get('/.well-known/jwks.json')).body;
      const { createPublicKey } = await import('node:crypto');
      publicPem = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
    });

    it.each(['none', 'None', 'NONE', 'nOnE'])(
      'refuses alg %s with empty and bogus signatures',
      async (none) => {
        const unsigned = `${b64({ ...header, alg: none })}.${b64(payload)}`;
        await expectRefused(`${unsigned}.`);
        await expectRefused(`${unsigned}.${b64('bogus')}`);
      },
    );

    it('refuses HS256 and HS512 signed with the public key, as PEM and as JWK (algorithm confusion)', async () => {
      for (const secret of [publicPem, JSON.stringify(jwks.keys[0])]) {
        await expectRefused(hmacWith({ ...header, alg: 'HS256' }, payload, secret));
        await expectRefused(hmacWith({ ...header, alg: 'HS512' }, payload, secret, 512));
      }
    });

    it('refuses the "psychic signature" (r = s = 0) and other zero signatures', async () => {
      const input = `${b64(header)}.${b64(payload)}`;
      await expectRefused(`${input}.${Buffer.alloc(64).toString('base64url')}`);
      await expectRefused(`${input}.${Buffer.alloc(256).toString('base64url')}`);
    });

    it('refuses stripped, truncated and bit-flipped signatures, and a tampered payload', async () => {
      const [h, p, s] = genuine.split('.');
      await expectRefused(`${h}.${p}.`);
      await expectRefused(`${h}.${p}.${s.slice(0, -6)}`);
      const flipped = Buffer.from(s, 'base64url');
      flipped[flipped.length - 1] ^= 0x01;
      await expectRefused(`${h}.${p}.${flipped.toString('base64url')}`);
      await expectRefused(`${h}.${b64(payload)}.${s}`);
    });

    it('refuses a token signed by another key under our kid, and unknown, traversal and SQL kids', async () => {
      const attacker = newKeyPair(alg).privateKey;
      await expectRefused(signToken(header, payload, attacker));
      for (const kid of ['2026-01-b', '../../../../etc/passwd', "x' OR '1'='1", '2026-01-a.pem']) {
        await expectRefused(signToken({ ...header, kid }, payload, attacker));
      }
    });

    it('never fetches jku or x5u, nor trusts an embedded jwk', async () => {
      let hits = 0;
      const listener: Server = createServer((_request, response) => {
        hits += 1;
        response.end('{}');
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      try {
        const attacker = newKeyPair(alg);
        const attackerJwk = {
          ...attacker.publicKey.export({ format: 'jwk' }),
          kid: 'attacker',
          alg,
          use: 'sig',
        };
        const forged = [
          signToken(
            { ...header, kid: 'attacker', jku: `${base}/jwks.json` },
            payload,
            attacker.privateKey,
          ),
          signToken({ ...header, jku: `${base}/jwks.json` }, payload, attacker.privateKey),
          signToken(
            { ...header, kid: 'attacker', x5u: `${base}/cert.pem` },
            payload,
            attacker.privateKey,
          ),
          signToken({ ...header, kid: 'attacker', jwk: attackerJwk }, payload, attacker.privateKey),
          signToken({ ...header, jwk: attackerJwk }, payload, attacker.privateKey),
        ];
        for (const token of forged) await expectRefused(token);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(hits).toBe(0);
      } finally {
        await new Promise((resolve) => listener.close(resolve));
      }
    });

    it('answers a 100 KB token without a server error', async () => {
      const huge = `${b64(header)}.${'A'.repeat(100 * 1024)}.${'B'.repeat(86)}`;
      const response = await accepted(huge).ok(() => true);
      expect([401, 413, 431]).toContain(response.status);
    });
  });

  describe('another NestJS app as a resource server, from the JWKS URL', () => {
    @Controller('api')
    class ProbeController {
      @Get('whoami')
      whoami(@CurrentUser() user: AuthUser) {
        return { userId: user.userId, roles: user.roles };
      }

      @Roles('admin')
      @Get('admin')
      admin() {
        return { ok: true };
      }
    }

    let resource: NestFastifyApplication;

    beforeAll(async () => {
      @Module({
        imports: [
          ResourceServerModule.forRoot({
            jwksUrl: `${t.url}/.well-known/jwks.json`,
            algorithm: alg,
            issuer: 'sentinel',
            audience: 'sentinel-api',
          }),
        ],
        controllers: [ProbeController],
      })
      class ProbeModule {}
      resource = await NestFactory.create<NestFastifyApplication>(
        ProbeModule,
        new FastifyAdapter(),
        {
          logger: false,
        },
      );
      await resource.init();
      await resource.getHttpAdapter().getInstance().ready();
    });
    afterAll(async () => {
      await resource?.close();
    });

    it('accepts Sentinel’s tokens, refuses forged ones, and keeps 401 and 403 apart', async () => {
      const http = request(resource.getHttpServer());
      const me = await http.get('/api/whoami').set(bearer(genuine)).expect(200);
      expect(me.body.userId).toBe(decodeToken(genuine).payload.sub);

      const forged = signToken(
        decodeToken(genuine).header,
        decodeToken(genuine).payload,
        newKeyPair(alg).privateKey,
      );
      const refused = await http.get('/api/whoami').set(bearer(forged)).expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      await http.get('/api/whoami').expect(401);

      await http.get('/api/admin').set(bearer(genuine)).expect(403);
      const admin = await loginAdmin(t.http);
      await http.get('/api/admin').set(bearer(admin)).expect(200);
    });
  });

  it('rotates without signing anyone out: publish, switch, retire', async () => {
    const before = (await signIn(t.http, user.email, user.password)).accessToken;

    // 1. Add the new key: published at once, but the current key keeps signing.
    await keys.add('2026-02-b', alg);
    t = await t.restart({ JWT_SIGNING_KID: '2026-01-a' });
    const published = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(published.body.keys.map((key: { kid: string }) => key.kid).sort()).toEqual([
      '2026-01-a',
      '2026-02-b',
    ]);
    const stillOld = (await signIn(t.http, user.email, user.password)).accessToken;
    expect(decodeToken(stillOld).header.kid).toBe('2026-01-a');
    await accepted(before).expect(200);

    // 2. Switch the signer (by default the newest file signs).
    t = await t.restart({ JWT_SIGNING_KID: '' });
    const after = (await signIn(t.http, user.email, user.password)).accessToken;
    expect(decodeToken(after).header.kid).toBe('2026-02-b');
    await accepted(before).expect(200);
    await accepted(after).expect(200);
    await verifyWithJose(before);
    await verifyWithJose(after);

    // 3. Retire the old key once its tokens have expired: its tokens are refused from then on.
    await keys.retire('2026-01-a');
    t = await t.restart();
    await expectRefused(before);
    await accepted(after).expect(200);
    await expect(verifyWithJose(before)).rejects.toThrow();
    await verifyWithJose(after);
  });
});
