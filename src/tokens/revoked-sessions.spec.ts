import { RevokedSessions } from './revoked-sessions.js';

describe('RevokedSessions', () => {
  const retentionSeconds = 900;
  const make = () =>
    new RevokedSessions(null as never, { revocationRetentionSeconds: retentionSeconds } as never);

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

  it('keeps the later deadline when a session is reported revoked twice', () => {
    const revoked = make();
    const first = new Date('2026-01-01T00:00:00Z');
    const later = new Date(first.getTime() + 60_000);
    revoked.add(['s'], later);
    revoked.add(['s'], first);
    revoked.sweep(first.getTime() + retentionSeconds * 1000 + 1);
    expect(revoked.has('s')).toBe(true);
  });
});
