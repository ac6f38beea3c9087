import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { AuditEvent } from './audit-event.entity.js';
import type { PreparedStatements } from '../database/prepared-statements.js';
import { AuditService } from './audit.service.js';

/** Statements whose runs finish when the test says so, with what each was asked to run. */
function fakeDatabase() {
  const writes: { name: string; text: string; values: unknown[][] }[] = [];
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const statements = {
    query(name: string, text: string, values: unknown[][]) {
      writes.push({ name, text, values });
      return new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    },
  };
  return {
    audit: () =>
      new AuditService(
        null as unknown as Repository<AuditEvent>,
        statements as unknown as PreparedStatements,
      ),
    writes,
    succeed: () => settle?.resolve(),
    fail: (error: Error) => settle?.reject(error),
  };
}

describe('AuditService.record', () => {
  const warnings: string[] = [];

  beforeAll(() => {
    Logger.overrideLogger({
      log: () => undefined,
      error: () => undefined,
      warn: (message: string) => warnings.push(message),
    });
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });
  beforeEach(() => {
    warnings.length = 0;
  });

  it('returns before the write finishes, so the request it records does not wait for it', async () => {
    const database = fakeDatabase();
    const audit = database.audit();
    let shutDown = false;

    expect(audit.record({ type: 'login_failed', details: { email: 'a@b.co' } })).toBeUndefined();
    const shutdown = audit.beforeApplicationShutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(database.writes).toHaveLength(1);
    expect(shutDown).toBe(false);

    database.succeed();
    await shutdown;
    expect(warnings).toEqual([]);
  });

  it('writes the events of one batch window in one statement, in the order they happened', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T10:00:00.000Z') });
    try {
      const database = fakeDatabase();
      const audit = database.audit();
      audit.record({ type: 'login_failed', subjectEmail: 'a@b.co' });
      audit.record({ type: 'login_locked_out', subjectEmail: 'a@b.co' });
      await jest.advanceTimersByTimeAsync(50);
      audit.record({ type: 'login_refused_locked', subjectEmail: 'a@b.co' });
      expect(database.writes).toHaveLength(0);

      await jest.advanceTimersByTimeAsync(50);
      expect(database.writes).toHaveLength(1);
      const [types, , emails, , , , , times] = database.writes[0].values;
      expect(types).toEqual(['login_failed', 'login_locked_out', 'login_refused_locked']);
      expect(emails).toEqual(['a@b.co', 'a@b.co', 'a@b.co']);
      // Microseconds since the epoch: the first two in one millisecond, still in order.
      const start = Date.parse('2026-12-03T10:00:00.000Z') * 1000;
      expect(times).toEqual([start, start + 1, start + 50_000]);
      database.succeed();

      audit.record({ type: 'user_deleted', userId: 'u' });
      await jest.advanceTimersByTimeAsync(100);
      expect(database.writes).toHaveLength(2);
      expect(database.writes[1].values[0]).toEqual(['user_deleted']);
      database.succeed();
    } finally {
      jest.useRealTimers();
    }
  });

  it('writes a full batch at once, without waiting for the window', async () => {
    const database = fakeDatabase();
    const audit = database.audit();
    for (let i = 0; i < 100; i++) audit.record({ type: 'login_failed', subjectEmail: `${i}@b.co` });
    expect(database.writes).toHaveLength(1);
    expect(database.writes[0].values[0]).toHaveLength(100);
    database.succeed();
    await audit.beforeApplicationShutdown();
    expect(database.writes).toHaveLength(1);
  });

  it('loses only the event whose value the table refuses, not the batch it came with', async () => {
    const writes: unknown[][][] = [];
    const statements = {
      query(_name: string, _text: string, values: unknown[][]) {
        writes.push(values);
        const refused = (values[1] as (string | null)[]).includes('not-a-uuid');
        return refused
          ? Promise.reject(
              Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }),
            )
          : Promise.resolve([]);
      },
    };
    const audit = new AuditService(
      null as unknown as Repository<AuditEvent>,
      statements as unknown as PreparedStatements,
    );
    audit.record({ type: 'user_deleted', userId: 'not-a-uuid' });
    audit.record({ type: 'login_failed', subjectEmail: 'a@b.co' });
    await audit.beforeApplicationShutdown();

    // The batch, then each of its events alone.
    expect(writes.map((values) => values[0])).toEqual([
      ['user_deleted', 'login_failed'],
      ['user_deleted'],
      ['login_failed'],
    ]);
    expect(warnings).toEqual([
      'Audit event user_deleted not recorded: invalid input syntax for type uuid',
    ]);
  });

  it('never throws nor rejects when the write fails: a warning names the event, not its details', async () => {
    const database = fakeDatabase();
    const audit = database.audit();

    expect(() =>
      audit.record({ type: 'password_changed', userId: 'u', details: { secret: 'x' } }),
    ).not.toThrow();
    const shutdown = audit.beforeApplicationShutdown();
    database.fail(new Error('relation "audit_events" does not exist'));
    await shutdown;

    expect(warnings).toEqual([
      'Audit event password_changed not recorded: relation "audit_events" does not exist',
    ]);
  });

  it('cuts the user agent and address to their columns rather than lose the event', async () => {
    const database = fakeDatabase();
    const audit = database.audit();

    audit.record({
      type: 'login_succeeded',
      client: { ip: '1'.repeat(100), userAgent: 'u'.repeat(1000) },
    });
    const shutdown = audit.beforeApplicationShutdown();

    // type, user id, subject email, actor id, address, user agent, details: a column each
    expect(database.writes[0].values.slice(0, 7)).toEqual([
      ['login_succeeded'],
      [null],
      [null],
      [null],
      ['1'.repeat(64)],
      ['u'.repeat(512)],
      ['{}'],
    ]);
    database.succeed();
    await shutdown;
  });

  it('waits at shutdown for a write in flight, but not more than 3 s', async () => {
    jest.useFakeTimers();
    try {
      const database = fakeDatabase();
      const audit = database.audit();
      audit.record({ type: 'user_deleted', userId: 'u' });
      let shutDown = false;
      const shutdown = audit.beforeApplicationShutdown().then(() => (shutDown = true));
      await jest.advanceTimersByTimeAsync(2_900);
      expect(shutDown).toBe(false);
      await jest.advanceTimersByTimeAsync(200);
      await shutdown;
      expect(warnings).toEqual(['Audit batches not recorded at shutdown: 1']);
    } finally {
      jest.useRealTimers();
    }
  });
});
