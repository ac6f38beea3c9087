import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { AuditEvent } from './audit-event.entity.js';
import { AuditService } from './audit.service.js';

/** A repository whose inserts finish when the test says so, with what it was asked to write. */
function fakeRepository() {
  const writes: { values: Record<string, unknown>; parameters: Record<string, unknown> }[] = [];
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const repository = {
    createQueryBuilder: () => {
      const write = { values: {}, parameters: {} };
      const builder = {
        insert: () => builder,
        values(values: Record<string, unknown>) {
          write.values = values;
          return builder;
        },
        setParameters(parameters: Record<string, unknown>) {
          write.parameters = parameters;
          return builder;
        },
        updateEntity: () => builder,
        execute() {
          writes.push(write);
          return new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
        },
      };
      return builder;
    },
  };
  return {
    repository: repository as unknown as Repository<AuditEvent>,
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
    const database = fakeRepository();
    const audit = new AuditService(database.repository);
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
    const database = fakeRepository();
    const audit = new AuditService(database.repository);

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
    const database = fakeRepository();
    const audit = new AuditService(database.repository);

    audit.record({
      type: 'login_succeeded',
      client: { ip: '1'.repeat(100), userAgent: 'u'.repeat(1000) },
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(database.writes[0].values).toMatchObject({
      ip: '1'.repeat(64),
      userAgent: 'u'.repeat(512),
      userId: null,
      actorId: null,
    });
    expect(database.writes[0].parameters.details).toBe('{}');
    database.succeed();
  });

  it('waits at shutdown for a write in flight, but not more than 3 s', async () => {
    jest.useFakeTimers();
    try {
      const database = fakeRepository();
      const audit = new AuditService(database.repository);
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
