import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { existsSync } from 'node:fs';
import { createApp } from './app.factory.js';
import { appConfig } from './config/app.config.js';
import { closeGracefully } from './health/graceful-shutdown.js';

// Variables already in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, shutdownIdleGraceMs } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen({ port, host: '0.0.0.0' });
  new Logger('Sentinel').log(`Listening on http://localhost:${port} (API docs at /docs)`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      new Logger('Sentinel').log(`${signal}: finishing in-flight requests`);
      closeGracefully(app, shutdownIdleGraceMs);
    });
  }
}

bootstrap().catch((error: unknown) => {
  // One line, no stack, for configuration errors; the stack for anything unexpected.
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Invalid configuration')) console.error(message);
  else console.error(error);
  process.exit(1);
});
