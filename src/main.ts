import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { existsSync } from 'node:fs';
import { createApp } from './app.factory.js';
import { appConfig } from './config/app.config.js';

// Variables already in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen({ port, host: '0.0.0.0' });
  new Logger('Sentinel').log(`Listening on http://localhost:${port} (API docs at /docs)`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutDown(app, signal));
  }
}

/**
 * Graceful stop: refuse new connections, let in-flight requests finish, close the pool and the
 * LISTEN connection (app.close), exit 0. A stop that takes over 10 s exits 1 instead.
 */
async function shutDown(app: { close(): Promise<void> }, signal: string): Promise<void> {
  const logger = new Logger('Sentinel');
  logger.log(`${signal}: finishing in-flight requests`);
  setTimeout(() => {
    logger.error('Shutdown took over 10 s; exiting');
    process.exit(1);
  }, 10_000).unref();
  try {
    await app.close();
    process.exit(0);
  } catch (error) {
    logger.error(`Shutdown failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

bootstrap().catch((error: unknown) => {
  // One line, no stack, for configuration errors; the stack for anything unexpected.
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Invalid configuration')) console.error(message);
  else console.error(error);
  process.exit(1);
});
