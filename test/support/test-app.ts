import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.factory.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_ADMIN = { email: 'root@sentinel.test', password: 'bootstrap-admin-password' };

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  database: TestDatabase;
  /** The environment the app was started with (secrets included, for forging tokens). */
  env: Record<string, string>;
  /** Starts another instance on the same database, e.g. to test a restart. */
  restart(overrides?: Record<string, string>): Promise<TestApp>;
  close(): Promise<void>;
}

async function start(database: TestDatabase, env: Record<string, string>): Promise<TestApp> {
  Object.assign(process.env, env);
  const app = await createApp();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    database,
    env,
    restart: async (overrides = {}) => {
      await app.close();
      return start(database, { ...env, ...overrides });
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * Boots the real AppModule over HTTP on a fresh database (see `createTestDatabase`), with a
 * random HS256 secret and a bootstrap administrator. Jest gives each test file its own copy of
 * `process.env`, so the variables set here stay within the file.
 */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  return start(database, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    BOOTSTRAP_ADMIN_EMAIL: TEST_ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...database.env,
    ...overrides,
  });
}
