import type { AccessTokenLifetimes } from './access-token-lifetimes.js';
import { RevokedSessions } from './revoked-sessions.js';

describe('RevokedSessions', () => {
  const ttlSeconds = 870;
  const toleranceSeconds = 30;
  const retentionSeconds = ttlSeconds + toleranceSeconds;
  const config = { accessTokenTtlSeconds: ttlSeconds, clockToleranceSeconds: toleranceSeconds };
  /** No database: `load` reads no rows, and the longest lifetime in use is `longest`. */
  const make = (longest = ttlSeconds) =>
    new RevokedSessions(
      { query: async () => [] } as never,
      { renew: async () => longest } as unknown as AccessTokenLifetimes,
      config as never,
    );

  it('knows the sessions added to it, and no others', () => {
    const revoked = make();
    revoked.add(['s1', 's2']);
    expect(revoked.has('s1')).toBe(true);
    expect(revoked.has('s2')).toBe(true);
    expect(revoked.has('s3')).toBe(false);
    expect(revoked.size).toBe(2);
  });

  it('drops an entry only once every access token of that session has expired', () => {
    const revoked = make();
    const revokedAt = new Date('2026-01-01T00:00:00Z');
    revoked.add(['old'], revokedAt);
    revoked.sweep(revokedAt.getTime() + retentionSeconds * 1000 - 1);
    expect(revoked.has('old')).toBe(true);
    revoked.sweep(revokedAt.getTime() + retentionSeconds * 1000);
    expect(revoked.has('old')).toBe(false);
  });

  it('keeps the later revocation when a session is reported revoked twice', () => {
    const revoked = make();
    const first = new Date('2026-01-01T00:00:00Z');
    const later = new Date(first.getTime() + 60_000);
    revoked.add(['s'], later);
    revoked.add(['s'], first);
    revoked.sweep(first.getTime() + retentionSeconds * 1000 + 1);
    expect(revoked.has('s')).toBe(true);
  });

  it('keeps entries for the longest lifetime another instance (or an earlier start) issues', async () => {
    const revoked = make(3600);
    await revoked.load();
    expect(revoked.retentionSeconds).toBe(3600 + toleranceSeconds);
    const revokedAt = new Date('2026-01-01T00:00:00Z');
    revoked.add(['s'], revokedAt);
    revoked.sweep(revokedAt.getTime() + retentionSeconds * 1000 + 1);
    expect(revoked.has('s')).toBe(true);
    revoked.sweep(revokedAt.getTime() + (3600 + toleranceSeconds) * 1000);
    expect(revoked.has('s')).toBe(false);
  });
});
