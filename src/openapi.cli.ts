import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFile } from 'node:fs/promises';
import { AppModule } from './app.module.js';
import { createOpenApiDocument } from './openapi.js';

export const OPENAPI_FILE = 'docs/openapi.json';

/**
 * The OpenAPI document as committed in docs/openapi.json: built from the controllers in preview
 * mode (no providers run, so no database, keys or network), serialised stably.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(),
    new FastifyAdapter(),
    {
      preview: true,
      logger: false,
      abortOnError: false,
    },
  );
  try {
    return `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  await writeFile(OPENAPI_FILE, await renderOpenApiDocument());
  console.log(`wrote ${OPENAPI_FILE}`);
}

if (process.argv[1]?.endsWith('openapi.cli.js')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
