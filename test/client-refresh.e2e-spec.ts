import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import {
  createSentinelClient,
  type SentinelClient,
} from '../packages/client/src/sentinel-client.js';
import { SentinelError } from '../packages/client/src/sentinel-error.js';
import { memoryStorage } from '../packages/client/src/token-storage.js';
import { bearer } from './factories/session.factory.js';
import { login, registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The client package's refresh logic (`mode: 'memory'`, as in Node) against the real app, with
 * access tokens that live 2 s and no clock tolerance, so they really expire mid-test.
 */
describe('@sentinel/client: single-flight refresh against the real app', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_TOKEN_TTL: '2s', JWT_CLOCK_TOLERANCE: '0' }, { listen: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A signed-in client that counts what it sends, and the refresh token's storage. */
  async function signedInClient(refreshBeforeExpiry = 0) {
    const user = await registerUser(t.http);
    const storage = memoryStorage();
    const sent = { refreshes: 0, unauthorized: 0 };
    const ended: SentinelError[] = [];
    const client: SentinelClient = createSentinelClient({
      baseUrl: t.url!,
      mode: 'memory',
      storage,
      refreshBeforeExpiry,
      onSessionEnded: (error) => ended.push(error),
      fetch: async (request) => {
        if (new URL(request.url).pathname === '/auth/refresh') sent.refreshes += 1;
        const response = await fetch(request);
        if (response.status === 401) sent.unauthorized += 1;
        return response;
      },
    });
    await expect(client.signIn(user.email, user.password)).resolves.toEqual({
      mfaRequired: false,
    });
    const session = await client.session();
    return { client, storage, sent, ended, sessionId: session!.sessionId };
  }

  const refreshTokensOf = async (sessionId: string) => {
    const [row] = await t.app.get(DataSource).query(
      `SELECT count(*)::int AS tokens, bool_or(s.revoked_at IS NOT NULL) AS revoked
           FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
          WHERE rt.session_id = $1`,
      [sessionId],
    );
    return row as { tokens: number; revoked: boolean };
  };
  /** Past the access token's 2 s life (the server checks `exp` to the second). */
  const pastExpiry = () => sleep(3_100);

  it('answers fifty concurrent calls after expiry with one refresh, each retried once', async () => {
    // As a client whose clock runs behind the server's: it sends the token the server calls
    // expired, and learns it from the 401's `token_expired`.
    const { client, sent, ended, sessionId } = await signedInClient(-60_000);
    await pastExpiry();

    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.api.GET('/users/me')),
    );

    expect(results.map((result) => result.response.status)).toEqual(Array(50).fill(200));
    expect(sent.unauthorized).toBe(50); // every first attempt met token_expired…
    expect(sent.refreshes).toBe(1); // …and they all waited for the same refresh
    expect(await refreshTokensOf(sessionId)).toEqual({ tokens: 2, revoked: false });
    expect(ended).toEqual([]);
  });

  it('retries a request with a body after the refresh, body and all', async () => {
    const { client, sent } = await signedInClient(-60_000);
    await pastExpiry();

    const { data, response } = await client.api.PATCH('/users/me', {
      body: { displayName: 'After the refresh' },
    });

    expect(response.status).toBe(200);
    expect(data?.displayName).toBe('After the refresh');
    expect(sent).toEqual({ refreshes: 1, unauthorized: 1 });
  });

  it('refreshes once, before sending, when the token is about to expire', async () => {
    const { client, sent, sessionId } = await signedInClient(1_500);
    await sleep(600);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.api.GET('/auth/session')),
    );

    expect(results.every((result) => result.data?.sessionId === sessionId)).toBe(true);
    expect(sent).toEqual({ refreshes: 1, unauthorized: 0 });
  });

  it('ends the session and rejects with the server code when the refresh is refused', async () => {
    const { client, storage, sent, ended, sessionId } = await signedInClient();
    // A thief spends the refresh token first; the client then presents a used one.
    const stolen = await storage.get();
    await t.http.post('/auth/refresh').send({ refreshToken: stolen }).expect(200);
    await pastExpiry();

    const calls = Array.from({ length: 5 }, () => client.api.GET('/users/me'));
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({ code: 'refresh_token_reused', status: 401 });
    }
    await expect(calls[0]).rejects.toBeInstanceOf(SentinelError);
    expect(sent.refreshes).toBe(1);
    expect(ended.map((error) => error.code)).toEqual(['refresh_token_reused']);
    expect(client.signedIn).toBe(false);
    expect(await storage.get()).toBeUndefined();
    expect((await refreshTokensOf(sessionId)).revoked).toBe(true);
  });

  it('does not refresh on a 401 that is not token_expired', async () => {
    const { client, sent, ended, storage } = await signedInClient(0);
    // The session revoked (here through the client's own API): its token is now refused as
    // revoked, not expired, and a refresh would not bring it back.
    const { data: sessions } = await client.api.GET('/auth/sessions');
    const current = sessions!.find((session) => session.current)!;
    const revoked = await client.api.DELETE('/auth/sessions/{id}', {
      params: { path: { id: current.id } },
    });
    expect(revoked.response.status).toBe(204);

    const { error, response } = await client.api.GET('/users/me');

    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'token_revoked' });
    expect(sent.refreshes).toBe(0);
    expect(ended.map((e) => e.code)).toEqual(['token_revoked']);
    expect(await storage.get()).toBeDefined(); // nothing was presented on its behalf
  });

  it('signs out: the refresh token is forgotten and refused by the server', async () => {
    const { client, storage } = await signedInClient();
    const refreshToken = await storage.get();

    await client.signOut();

    expect(client.signedIn).toBe(false);
    expect(await storage.get()).toBeUndefined();
    const refused = await t.http.post('/auth/refresh').send({ refreshToken }).expect(401);
    expect(refused.body.code).toBe('invalid_grant');
    await expect(client.session()).resolves.toBeUndefined();
  });

  it('hands back the mfaRequired challenge, and completeMfa finishes the sign-in', async () => {
    const user = await registerUser(t.http);
    const token = await login(t.http, user.email, user.password);
    const setup = await t.http.post('/auth/mfa/totp/setup').set(bearer(token)).expect(200);
    const secret = setup.body.secret as string;
    const codeAt = (steps: number) =>
      generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
    await t.http
      .post('/auth/mfa/totp/confirm')
      .set(bearer(token))
      .send({ code: await codeAt(-1) })
      .expect(200);
    const storage = memoryStorage();
    const client = createSentinelClient({ baseUrl: t.url!, mode: 'memory', storage });

    const challenge = await client.signIn(user.email, user.password);

    expect(challenge).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
    expect(client.signedIn).toBe(false);
    if (!challenge.mfaRequired) throw new Error('expected the second step');
    await expect(client.completeMfa(challenge.mfaToken, { code: '000000' })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_mfa_code',
    });
    await expect(
      client.completeMfa(challenge.mfaToken, { code: await codeAt(0) }),
    ).resolves.toEqual({ mfaRequired: false });
    expect(client.signedIn).toBe(true);
    expect(await storage.get()).toBeDefined();
    const me = await client.api.GET('/users/me');
    expect(me.data?.email).toBe(user.email);
  });

  it('rejects a wrong password with the server code', async () => {
    const user = await registerUser(t.http);
    const client = createSentinelClient({ baseUrl: t.url!, mode: 'memory' });
    await expect(client.signIn(user.email, 'not the password at all')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(client.signedIn).toBe(false);
  });
});
