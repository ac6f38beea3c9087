import type { AuditRecord, AuditService } from './audit.service.js';
import { AuditListener } from './audit.listener.js';

describe('AuditListener', () => {
  const client = { ip: '203.0.113.7', userAgent: 'test-agent' };
  let recorded: AuditRecord[];
  let listener: AuditListener;

  beforeEach(() => {
    recorded = [];
    const audit = { record: (event: AuditRecord) => void recorded.push(event) };
    listener = new AuditListener(audit as unknown as AuditService);
  });

  it('records sign-ins with the email typed, a failure by email only (its account is looked up)', () => {
    const lockedUntil = new Date('2030-01-01T00:00:00Z');
    listener.loginSucceeded({ email: 'a@b.co', userId: 'u1', sessionId: 's1', client });
    listener.loginFailed({ email: 'a@b.co', client });
    listener.lockedOut({ email: 'a@b.co', client, lockedUntil });
    listener.loginRefusedLocked({ email: 'a@b.co', client, lockedUntil });
    expect(recorded).toEqual([
      {
        type: 'login_succeeded',
        userId: 'u1',
        subjectEmail: 'a@b.co',
        actorId: 'u1',
        client,
        details: { email: 'a@b.co', sessionId: 's1' },
      },
      {
        type: 'login_failed',
        userId: undefined,
        subjectEmail: 'a@b.co',
        actorId: null,
        client,
        details: { email: 'a@b.co' },
      },
      {
        type: 'login_locked_out',
        userId: undefined,
        subjectEmail: 'a@b.co',
        actorId: null,
        client,
        details: { email: 'a@b.co', lockedUntil },
      },
      {
        type: 'login_refused_locked',
        userId: undefined,
        subjectEmail: 'a@b.co',
        actorId: null,
        client,
        details: { email: 'a@b.co', lockedUntil },
      },
    ]);
  });

  it('records a refresh-token reuse without an actor, and revocations with their reason', () => {
    listener.refreshReused({ userId: 'u1', sessionId: 's1', reason: 'reused', client });
    listener.sessionsRevoked({ userId: 'u1', sessionIds: ['s1'], reason: 'logout', actorId: 'u1' });
    listener.sessionsRevoked({ userId: 'u1', sessionIds: ['s1', 's2'], reason: 'logout_all' });
    listener.sessionsRevoked({
      userId: 'u1',
      sessionIds: ['s3'],
      reason: 'revoked_by_admin',
      actorId: 'admin',
      client,
    });
    expect(recorded.map(({ type, actorId, details }) => ({ type, actorId, details }))).toEqual([
      { type: 'refresh_token_reused', actorId: undefined, details: { sessionId: 's1' } },
      { type: 'logout', actorId: 'u1', details: { sessionIds: ['s1'], reason: 'logout' } },
      {
        type: 'logout',
        actorId: undefined,
        details: { sessionIds: ['s1', 's2'], reason: 'logout_all' },
      },
      {
        type: 'sessions_revoked',
        actorId: 'admin',
        details: { sessionIds: ['s3'], reason: 'revoked_by_admin' },
      },
    ]);
  });

  it('records account changes with their actor and what changed', () => {
    const change = { userId: 'u1', actorId: 'admin', client };
    listener.passwordChanged({ ...change, actorId: 'u1', keepSessionId: 's1' });
    listener.disabled(change);
    listener.rolesChanged({ ...change, details: { from: ['user'], to: ['user', 'admin'] } });
    listener.deleting(change);
    expect(recorded).toEqual([
      { type: 'password_changed', userId: 'u1', actorId: 'u1', client, details: undefined },
      { type: 'user_disabled', userId: 'u1', actorId: 'admin', client, details: undefined },
      {
        type: 'roles_changed',
        userId: 'u1',
        actorId: 'admin',
        client,
        details: { from: ['user'], to: ['user', 'admin'] },
      },
      { type: 'user_deleted', userId: 'u1', actorId: 'admin', client, details: undefined },
    ]);
  });

  it('returns nothing to wait for: UsersService awaits its listeners (emitAsync)', () => {
    expect(listener.passwordChanged({ userId: 'u1', actorId: 'u1' })).toBeUndefined();
    expect(listener.loginFailed({ email: 'a@b.co', client: {} })).toBeUndefined();
  });
});
