import { AuditService } from '../../src/audit/audit.service.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.factory.js';
import type { AppOptions } from '../../src/app.module.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_ADMIN = { email: 'root@sentinel.test', password: 'bootstrap-admin-password' };

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  database: TestDatabase;
  /** The environment the app was started with (secrets included, for forging tokens). */
  env: Record<string, string>;
  /** `http://127.0.0.1:<port>` when started with `listen`, for clients other than supertest. */
  url?: string;
  /**
   * Resolves once every audit event recorded so far is in the database: they are written in
   * batches after the response (`AuditService`), so a test reads them after this, not on a timer.
   */
  auditWritten(): Promise<void>;
  /** Starts another instance on the same database, e.g. to test a restart. */
  restart(overrides?: Record<string, string>): Promise<TestApp>;
  close(): Promise<void>;
}

interface StartOptions {
  /** Serve on a loopback port too: a free one, or this one (when the issuer URL names it). */
  listen?: boolean | number;
  /**
   * Where the app's JSON log lines go, to read them. nestjs-pino builds one logger per process
   * (here: per test file), from the first app's settings: pass it to the file's first app.
   */
  logDestination?: DestinationStream;
  /** Modules to import beside the app's own (a test's own strategy or controller). */
  modules?: AppOptions['modules'];
}

async function start(
  database: TestDatabase,
  env: Record<string, string>,
  options: StartOptions,
): Promise<TestApp> {
  Object.assign(process.env, env);
  const app = await createApp({ logDestination: options.logDestination, modules: options.modules });
  let url: string | undefined;
  if (options.listen) {
    await app.listen(typeof options.listen === 'number' ? options.listen : 0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    database,
    env,
    url,
    auditWritten: () => app.get(AuditService).flushed(),
    restart: async (overrides = {}) => {
      await app.close();
      return start(database, { ...env, ...overrides }, options);
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * Boots the real AppModule over HTTP on a fresh database (see `createTestDatabase`), with a
 * random HS256 secret (override JWT_ALG and JWT_KEYS_DIR for key pairs) and a bootstrap
 * administrator. With `listen`, it serves on a loopback port too. Jest gives each test file its own copy of
 * `process.env`, so the variables set here stay within the file.
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  return start(
    database,
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      JWT_ALG: 'HS256',
      // Tests sign in far more often than a person; the rate-limit test sets its own limit.
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      BOOTSTRAP_ADMIN_EMAIL: TEST_ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...database.env,
      ...overrides,
    },
    options,
  );
}

/** `createApp()` for a start that is meant to fail: Nest's own error log of it is silenced. */
export async function createAppQuietly() {
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'fatal';
  try {
    return await createApp();
  } finally {
    process.env.LOG_LEVEL = level;
  }
}
