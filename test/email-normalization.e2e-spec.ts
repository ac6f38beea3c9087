import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NormalizeUserEmails1796000200100 } from '../migrations/1796000200100-NormalizeUserEmails.js';
import { bearer } from './factories/session.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12, low: one mailbox, one account, whatever Unicode form it is typed in. Emails are
 * compared with the local part in NFC and lower case and the domain in its ASCII (IDNA) form.
 */
describe('emails compared in one Unicode form', () => {
  let t: TestApp;
  const password = 'correct horse battery staple';
  const register = (email: string) => t.http.post('/auth/register').send({ email, password });
  const signIn = (email: string) => t.http.post('/auth/login').send({ email, password });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Registers `typed`; `other` signs in to that account (shown as `shown`), and cannot register. */
  async function sameAccount(typed: string, other: string, shown: string): Promise<void> {
    const registered = await register(typed).expect(201);
    expect(registered.body.email).toBe(shown);
    const session = await signIn(other).expect(200);
    const me = await t.http.get('/users/me').set(bearer(session.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: registered.body.id, email: shown });
    const duplicate = await register(other).expect(409);
    expect(duplicate.body.code).toBe('email_taken');
  }

  it('a local part with a decomposed accent is the composed one (NFC)', async () => {
    const id = randomUUID();
    const decomposed = `jose\u0301-${id}@example.com`;
    const composed = `jos\u00e9-${id}@example.com`;
    await sameAccount(decomposed, composed, composed);
  });

  it('an internationalized domain is its punycode form, and case does not matter in either', async () => {
    const id = randomUUID();
    await sameAccount(
      `user-${id}@bücher.example`,
      `USER-${id}@xn--bcher-kva.example`,
      `user-${id}@xn--bcher-kva.example`,
    );
    await signIn(`User-${id}@BU\u0308CHER.example`).expect(200);
  });

  it('fullwidth letters: lower-cased in the local part, mapped to ASCII in the domain', async () => {
    const id = randomUUID();
    await sameAccount(
      `ＡＤＡ-${id}@ＥＸＡＭＰＬＥ.com`,
      `ａｄａ-${id}@example.com`,
      `ａｄａ-${id}@example.com`,
    );
  });

  it('counts failed sign-ins of every form of one email together', async () => {
    const id = randomUUID();
    await register(`lock-${id}@bücher.example`).expect(201);
    const forms = [`lock-${id}@bücher.example`, `LOCK-${id}@xn--bcher-kva.example`];
    for (let i = 0; i < 5; i++) {
      await t.http
        .post('/auth/login')
        .send({ email: forms[i % 2], password: 'not the password' })
        .expect(401);
    }
    const locked = await signIn(`lock-${id}@bu\u0308cher.example`).expect(429);
    expect(locked.body.code).toBe('too_many_attempts');
  });

  it('refuses a domain IDNA cannot map with 400, not an account', async () => {
    const response = await register(`bad-${randomUUID()}@exa mple.com`).expect(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('rewrites emails stored in another form (the migration), unless another account holds the new form', async () => {
    const dataSource = t.app.get(DataSource);
    const id = randomUUID();
    const idn = `old-${id}@bücher.example`;
    const nfc = `ren\u00e9-${id}@example.com`;
    const nfd = `rene\u0301-${id}@example.com`;
    const twin = `twin-${id}@bücher.example`;
    const twinDecomposed = `twin-${id}@bu\u0308cher.example`;
    const hash = (await register(`hash-${id}@example.com`).expect(201)).body.id as string;
    // Rows as the code before this issue stored them (trimmed and lower-cased only).
    const insert = (email: string, age: string) =>
      dataSource.query(
        `INSERT INTO users (email, password_hash, created_at)
         SELECT $1, password_hash, now() - $2::interval FROM users WHERE id = $3
         RETURNING id`,
        [email, age, hash],
      );
    const [[stored], [older], [newer], [oldTwin], [newTwin]] = await Promise.all([
      insert(idn, '2 days'),
      insert(nfd, '2 days'),
      insert(nfc, '1 day'),
      insert(twinDecomposed, '3 days'),
      insert(twin, '1 day'),
    ]);
    const runner = dataSource.createQueryRunner();
    try {
      await new NormalizeUserEmails1796000200100().up(runner);
    } finally {
      await runner.release();
    }
    const emails = async (ids: string[]) =>
      (await dataSource.query(`SELECT id, email FROM users WHERE id = ANY($1)`, [ids])).reduce(
        (all: Record<string, string>, row: { id: string; email: string }) => ({
          ...all,
          [row.id]: row.email,
        }),
        {},
      );
    expect(await emails([stored.id, older.id, newer.id, oldTwin.id, newTwin.id])).toEqual({
      [stored.id]: `old-${id}@xn--bcher-kva.example`,
      // Already in the new form: it keeps it, and the other form stays as it was.
      [older.id]: nfd,
      [newer.id]: nfc,
      // Neither in the new form: the oldest gets it.
      [oldTwin.id]: `twin-${id}@xn--bcher-kva.example`,
      [newTwin.id]: twin,
    });
    const session = await signIn(idn).expect(200);
    const me = await t.http.get('/users/me').set(bearer(session.body.accessToken)).expect(200);
    expect(me.body.id).toBe(stored.id);
  });
});
