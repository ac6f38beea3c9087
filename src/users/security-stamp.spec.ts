import { nextSecurityStamp } from './security-stamp.js';

describe('nextSecurityStamp', () => {
  it('is now when the current stamp is in the past', () => {
    const before = Date.now();
    const next = nextSecurityStamp(new Date(before - 60_000)).getTime();
    expect(next).toBeGreaterThanOrEqual(before);
    expect(next).toBeLessThanOrEqual(Date.now());
  });

  it('still moves forward when the current stamp is ahead of this clock (another instance set it)', () => {
    const ahead = new Date(Date.now() + 60_000);
    expect(nextSecurityStamp(ahead).getTime()).toBe(ahead.getTime() + 1);
  });
});
