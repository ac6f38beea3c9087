import type { AccessTokenClaims } from './access-token-claims.js';
import { VerifiedTokens } from './verified-tokens.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

const claimsUntil = (expiresAt: number, userId = 'user-1'): AccessTokenClaims => ({
  userId,
  sessionId: 'session-1',
  roles: ['user'],
  tokenId: 'token-1',
  issuedAt: new Date(NOW - 1000),
  expiresAt: new Date(expiresAt),
});

describe('VerifiedTokens', () => {
  it('answers only the exact token it was given', () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.remember('a.b.c', claimsUntil(NOW + 900_000), NOW);

    expect(cache.get('a.b.c', NOW)?.userId).toBe('user-1');
    expect(cache.get('a.b.C', NOW)).toBeUndefined();
    expect(cache.get('a.b.c ', NOW)).toBeUndefined();
  });

  it('forgets a token when it expires, or after the maximum age, whichever is first', () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.remember('short', claimsUntil(NOW + 5_000), NOW);
    cache.remember('long', claimsUntil(NOW + 900_000), NOW);

    expect(cache.get('short', NOW + 4_999)).toBeDefined();
    expect(cache.get('short', NOW + 5_000)).toBeUndefined();
    expect(cache.get('long', NOW + 59_999)).toBeDefined();
    expect(cache.get('long', NOW + 60_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const cache = new VerifiedTokens(3, 60_000);
    for (const token of ['t1', 't2', 't3', 't4'])
      cache.remember(token, claimsUntil(NOW + 900_000, token), NOW);

    expect(cache.size).toBe(3);
    expect(cache.get('t1', NOW)).toBeUndefined();
    expect(['t2', 't3', 't4'].map((token) => cache.get(token, NOW)?.userId)).toEqual([
      't2',
      't3',
      't4',
    ]);
  });

  it('shares frozen claims, so no request can change what the next one sees', () => {
    const cache = new VerifiedTokens(10, 60_000);
    const shared = cache.remember('a.b.c', claimsUntil(NOW + 900_000), NOW);

    expect(() => shared.roles.push('admin')).toThrow(TypeError);
    expect(() => Object.assign(shared, { userId: 'someone-else' })).toThrow(TypeError);
    expect(cache.get('a.b.c', NOW)).toMatchObject({ userId: 'user-1', roles: ['user'] });
  });
});
