import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { runScheduledCleanup } from './scheduled-cleanup.js';

describe('runScheduledCleanup', () => {
  it('turns a failed run into a warning naming the error, and resolves', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await expect(
      runScheduledCleanup(logger, () => Promise.reject(new Error('connection refused'))),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('Cleanup failed, will retry next hour: connection refused');
  });

  it('runs the cleanup once and warns of nothing when it succeeds', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const run = jest.fn(() => Promise.resolve(3));
    await runScheduledCleanup(logger, run);
    expect(run).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });
});
