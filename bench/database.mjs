// A fresh database for one run: a new database on the PostgreSQL server named by DATABASE_URL
// (dropped after), or, without it, a new data directory for the embedded PGlite.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The application_name of the yardsticks' connections (Sentinel's differ). */
export const YARDSTICK_APPLICATION = 'sentinel-bench-yardstick';

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function pgliteVersion() {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  const root = main.slice(0, main.lastIndexOf('/dist/'));
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

/**
 * @returns {{ kind: 'postgres'|'embedded', description: string, env: Record<string,string>,
 *   backendPids(options?: { yardstick?: boolean }): Promise<number[]>, drop(): Promise<void> }}
 */
export async function createBenchDatabase(serverUrl = process.env.DATABASE_URL) {
  // Short: the embedded server's Unix socket lives in DATA_DIR/run (paths are limited to ~107 bytes).
  const dataDir = await mkdtemp(join(tmpdir(), 'sentinel-bench-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  if (!serverUrl) {
    return {
      kind: 'embedded',
      description: `embedded PGlite ${pgliteVersion()} (in the Sentinel process)`,
      env: { DATA_DIR: dataDir, DATABASE_URL: '' },
      // In Sentinel's own process: its CPU is counted as Sentinel's.
      backendPids: async () => [],
      drop: removeDataDir,
    };
  }
  const name = `sentinel_bench_${randomBytes(6).toString('hex')}`;
  const version = await withClient(serverUrl, async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
    return (await client.query('SHOW server_version')).rows[0].server_version.split(' ')[0];
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    description: `PostgreSQL ${version} at ${url.host} (a fresh database)`,
    name,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    /**
     * The server processes serving this database's connections: the yardsticks' (those whose
     * application_name is YARDSTICK_APPLICATION) when `yardstick`, else Sentinel's.
     */
    backendPids: ({ yardstick = false } = {}) =>
      withClient(serverUrl, async (client) => {
        const { rows } = await client.query(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = $1 AND (application_name = $2) = $3`,
          [name, YARDSTICK_APPLICATION, yardstick],
        );
        return rows.map((row) => row.pid);
      }),
    drop: async () => {
      await withClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
      await removeDataDir();
    },
  };
}
