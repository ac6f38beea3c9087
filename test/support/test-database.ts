import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * A fresh, empty database for one test file: a new database on the PostgreSQL server when
 * DATABASE_URL is set (the server the suite runs against), else a new embedded data directory.
 * `env` is what the app needs to use it.
 */
export interface TestDatabase {
  env: Record<string, string>;
  /** true on a real PostgreSQL server, false on embedded PGlite. */
  isServer: boolean;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.SENTINEL_TEST_SERVER_URL ?? process.env.DATABASE_URL;
  const dataDir = await mkdtemp(join(tmpdir(), 'sentinel-test-'));
  if (!serverUrl) {
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: '' },
      isServer: false,
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  // Remember the server for later files in this worker; DATABASE_URL is rewritten per file.
  process.env.SENTINEL_TEST_SERVER_URL = serverUrl;
  const name = `sentinel_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    isServer: true,
    drop: async () => {
      await withClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
