import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { AuditEvent } from './audit-event.entity.js';
import type { PreparedStatements } from '../database/prepared-statements.js';
import { AuditService } from './audit.service.js';

/** Statements whose runs finish when the test says so, with what each was asked to run. */
function fakeDatabase() {
  const writes: { name: string; text: string; values: unknown[] }[] = [];
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const statements = {
    query(name: string, text: string, values: unknown[]) {
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

  it('never throws nor rejects when the write fails: a warning names the event, not its details', async () => {
    const database = fakeDatabase();
    const audit = database.audit();

    expect(() =>
      audit.record({ type: 'password_changed', userId: 'u', details: { secret: 'x' } }),
    ).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    database.fail(new Error('relation "audit_events" does not exist'));
    await audit.beforeApplicationShutdown();

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
    await new Promise((resolve) => setImmediate(resolve));

    // type, user id, subject email, actor id, address, user agent, details
    expect(database.writes[0].values).toEqual([
      'login_succeeded',
      null,
      null,
      null,
      '1'.repeat(64),
      'u'.repeat(512),
      '{}',
    ]);
    database.succeed();
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
      expect(warnings).toEqual(['Audit events not recorded at shutdown: 1']);
    } finally {
      jest.useRealTimers();
    }
  });
});
