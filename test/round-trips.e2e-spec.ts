import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service.js';
import { RELAXED_COMMIT } from '../src/database/relaxed-commit.js';
import { PreparedStatements } from '../src/database/prepared-statements.js';
import { bearer, refresh, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The statements each hot path sends to the database, BEGIN and COMMIT included: every one is a
 * round trip and CPU on both sides (issue 7). TypeORM logs every statement through
 * `logger.logQuery`, whatever the logging option, so counting its calls counts round trips.
 */
describe('database round trips of the hot paths', () => {
  let t: TestApp;
  let logQuery: jest.Spied<DataSource['logger']['logQuery']>;
  let record: jest.Spied<AuditService['record']>;

  beforeAll(async () => {
    // No mail worker: its polls would be counted with the request's statements.
    t = await createTestApp({ MAIL_URL: 'disabled' });
    logQuery = jest.spyOn(t.app.get(DataSource).logger, 'logQuery');
    // Audit writes run beside the request, not in it: counted apart.
    record = jest.spyOn(t.app.get(AuditService), 'record').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The statements sent while `work` ran. */
  const statementsOf = async (work: () => Promise<unknown>): Promise<string[]> => {
    logQuery.mockClear();
    await work();
    return logQuery.mock.calls.map(([sql]) => sql.replace(/\s+/g, ' ').trim());
  };

  it('POST /auth/login: count the attempt, read the credentials with the second factors, clear the count, open the session', async () => {
    const user = await registerUser(t.http);
    const statements = await statementsOf(() => signIn(t.http, user.email, user.password));
    expect(statements).toEqual([
      expect.stringMatching(/^WITH relaxed_commit AS .* INSERT INTO login_attempts /),
      // Issue 14 asks whether the account has a second factor; issue 11: in the same statement.
      expect.stringMatching(
        /^SELECT id, roles, password_hash AS "passwordHash", disabled_at AS "disabledAt", sessions_valid_after AS "sessionsValidAfter", email_verified_at AS "emailVerifiedAt", EXISTS \(SELECT 1 FROM totp_secrets .* FROM users WHERE email = \$1$/,
      ),
      expect.stringMatching(/^WITH relaxed_commit AS .* DELETE FROM login_attempts /),
      expect.stringMatching(
        /^WITH account AS \( SELECT .* FOR SHARE\), session AS \( INSERT INTO sessions /,
      ),
    ]);
  });

  it('an audit event (here a sign-in) is one insert, with no transaction around it', async () => {
    const audit = t.app.get(AuditService);
    const user = await registerUser(t.http);
    record.mockRestore();
    try {
      const statements = await statementsOf(async () => {
        await signIn(t.http, user.email, user.password);
        await audit.beforeApplicationShutdown(); // the batch waiting, then the writes in flight
      });
      expect(statements).toHaveLength(5);
      expect(statements[4]).toMatch(/^WITH relaxed_commit AS .* INSERT INTO audit_events .*/);
    } finally {
      record = jest.spyOn(audit, 'record').mockImplementation(() => undefined);
    }
  });

  it('POST /auth/refresh: one statement, whether it rotates or detects reuse', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    const rotated = await statementsOf(() => refresh(t.http, session.refreshToken).expect(200));
    expect(rotated).toEqual([expect.stringMatching(/^WITH presented AS/)]);
    const reused = await statementsOf(() => refresh(t.http, session.refreshToken).expect(401));
    expect(reused).toEqual([expect.stringMatching(/^WITH presented AS/)]);
  });

  it('GET /users/me: one statement, for the columns it shows only', async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    const statements = await statementsOf(() =>
      t.http.get('/users/me').set(bearer(session.accessToken)).expect(200),
    );
    expect(statements).toEqual([
      expect.stringMatching(/^SELECT id, email, display_name .* FROM users WHERE id = \$1$/),
    ]);
  });

  it('a relaxed commit holds for its own statement only, never for the pooled session after it', async () => {
    const statements = t.app.get(PreparedStatements);
    const [inside] = await statements.query<{ setting: string }>(
      'round_trips_relaxed',
      `WITH ${RELAXED_COMMIT} SELECT current_setting('synchronous_commit') AS setting
         FROM relaxed_commit`,
      [],
    );
    expect(inside.setting).toBe('off');
    const after = await t.app.get(DataSource).query(`SHOW synchronous_commit`);
    expect(after).toEqual([{ synchronous_commit: 'on' }]);
  });

  it('prepares the hot statements by name on a PostgreSQL server, and never on the embedded one', async () => {
    const statements = t.app.get(PreparedStatements);
    // A named statement exists in its session's pg_prepared_statements while it runs.
    const sees = async (name: string) =>
      statements.query<{ name: string }>(
        name,
        'SELECT name FROM pg_prepared_statements WHERE name = $1',
        [name],
      );
    const first = await sees('round_trips_probe');
    expect(first).toEqual(t.database.isServer ? [{ name: 'round_trips_probe' }] : []);
    // Run again under the same name: prepared once per connection, reused after.
    expect(await sees('round_trips_probe')).toEqual(first);
  });
});
