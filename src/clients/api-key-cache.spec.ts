import type { AuthUser } from '../auth/auth-user.js';
import { ApiKeyCache } from './api-key-cache.js';

const principal = (userId: string, expiresAt = new Date(8.64e15)): AuthUser => ({
  userId,
  sessionId: '',
  roles: [],
  tokenId: `key-of-${userId}`,
  issuedAt: new Date(0),
  expiresAt,
  scopes: ['projects:read'],
  principal: 'api_key',
});

describe('ApiKeyCache', () => {
  it('does not cache a lookup that read the database before an invalidation', () => {
    const cache = new ApiKeyCache(10, 60_000);
    const epoch = cache.epoch;
    // The owner is demoted while the lookup's query is in flight.
    cache.forgetUser('ada');
    cache.set('hash', principal('ada'), epoch, 0);
    expect(cache.get('hash', 1)).toBeUndefined();
    cache.set('hash', principal('ada'), cache.epoch, 0);
    expect(cache.get('hash', 1)?.userId).toBe('ada');
  });

  it('forgets one owner’s keys, or all of them', () => {
    const cache = new ApiKeyCache(10, 60_000);
    cache.set('a', principal('ada'), cache.epoch, 0);
    cache.set('b', principal('bob'), cache.epoch, 0);
    cache.forgetUser('ada');
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('b', 1)).toBeDefined();
    cache.forgetUser('*');
    expect(cache.size).toBe(0);
  });

  it('keeps an entry for the max age at most, and never past the key’s expiry', () => {
    const cache = new ApiKeyCache(10, 60_000);
    cache.set('a', principal('ada'), cache.epoch, 0);
    cache.set('b', principal('bob', new Date(1_000)), cache.epoch, 0);
    expect(cache.get('a', 59_999)).toBeDefined();
    expect(cache.get('a', 60_000)).toBeUndefined();
    expect(cache.get('b', 999)).toBeDefined();
    expect(cache.get('b', 1_000)).toBeUndefined();
  });

  it('is bounded: the oldest entry goes first', () => {
    const cache = new ApiKeyCache(2, 60_000);
    for (const user of ['a', 'b', 'c']) cache.set(user, principal(user), cache.epoch, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
  });
});
