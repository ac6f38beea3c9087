import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen({ port, host: '0.0.0.0' });
  new Logger('Sentinel').log(`Listening on http://localhost:${port} (API docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  // One line, no stack, for configuration errors; the stack for anything unexpected.
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Invalid configuration')) console.error(message);
  else console.error(error);
  process.exit(1);
});
