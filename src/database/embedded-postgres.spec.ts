import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from './embedded-postgres.js';

describe('EmbeddedPostgres', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sentinel-embedded-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves PGlite on a Unix socket only its owner can reach, one holder at a time', async () => {
    // A lock left by a process that has exited is stale and taken over.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dataDir, 'pglite.lock'), String(dead));

    const embedded = await EmbeddedPostgres.start(dataDir, 2);
    try {
      const socketDir = join(dataDir, 'run');
      expect(embedded.url).toBe(
        `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`,
      );
      expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      const { rows } = await client.query('SELECT 40 + 2 AS answer');
      // Sized for a small process (ADR 0009), not initdb's 128 MB of shared buffers.
      const settings = await client.query('SHOW shared_buffers');
      await client.end();
      expect(rows[0].answer).toBe(42);
      expect(settings.rows[0].shared_buffers).toBe('16MB');

      await expect(EmbeddedPostgres.start(dataDir, 2)).rejects.toThrow(
        /already in use by this process/,
      );
    } finally {
      await embedded.stop();
    }
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
  });

  it('refuses a data directory locked by another running process, naming it', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'pglite.lock'), String(process.ppid));
    await expect(EmbeddedPostgres.start(dataDir, 2)).rejects.toThrow(
      new RegExp(`in use by process ${process.ppid}\\. Stop that process`),
    );
  });

  it('takes over a lock holding its own pid that it does not hold (a restarted container)', async () => {
    await writeFile(join(dataDir, 'pglite.lock'), String(process.pid));
    const embedded = await EmbeddedPostgres.start(dataDir, 1);
    try {
      expect(await readFile(join(dataDir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
      await expect(EmbeddedPostgres.start(dataDir, 1)).rejects.toThrow(
        /already in use by this process/,
      );
    } finally {
      await embedded.stop();
    }
  });
});
