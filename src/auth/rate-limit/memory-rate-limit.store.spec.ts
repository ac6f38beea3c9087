import { MemoryRateLimitStore } from './memory-rate-limit.store.js';

describe('MemoryRateLimitStore', () => {
  let store: MemoryRateLimitStore;
  beforeEach(() => {
    store = new MemoryRateLimitStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('counts hits per key within a window', async () => {
    expect((await store.hit('a', 60_000)).count).toBe(1);
    expect((await store.hit('a', 60_000)).count).toBe(2);
    expect((await store.hit('b', 60_000)).count).toBe(1);
    const third = await store.hit('a', 60_000);
    expect(third.count).toBe(3);
    expect(third.resetMs).toBeGreaterThan(59_000);
    expect(third.resetMs).toBeLessThanOrEqual(60_000);
  });

  it('starts a new window once the old one has passed', async () => {
    await store.hit('a', 20);
    await store.hit('a', 20);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await store.hit('a', 20)).count).toBe(1);
  });
});
