import type { Logger } from '@nestjs/common';

/**
 * What every hourly cleanup does on its schedule: a failure (the database away, a lock timeout)
 * is a warning, never an unhandled rejection, and the next hour tries again. Nothing is lost by
 * waiting: the rows it deletes change no answer.
 */
export async function runScheduledCleanup(
  logger: Logger,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    logger.warn(`Cleanup failed, will retry next hour: ${(error as Error).message}`);
  }
}
