import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * PostgreSQL without a server: PGlite (PostgreSQL compiled to WebAssembly) served in-process on a
 * loopback port by pglite-socket, so the app reaches it with the same `pg` driver and TypeORM code
 * path as a real server. One process may own a data directory at a time (guarded by a lock file).
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockPath: string,
    /** `postgres://` URL of the loopback socket server. */
    readonly url: string,
  ) {}

  /**
   * @param maxConnections must be at least the client pool size: the socket server resets
   *   connections beyond it (its default is 1).
   */
  static async start(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
    const directory = resolve(dataDir, 'pglite');
    await mkdir(directory, { recursive: true });
    const lockPath = join(resolve(dataDir), 'pglite.lock');
    await acquireLock(lockPath, directory);
    try {
      const db = await PGlite.create(directory);
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(db, server, lockPath, url);
    } catch (error) {
      await rm(lockPath, { force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    await rm(this.lockPath, { force: true });
  }
}

/** Creates the lock file holding our pid; a lock left by a process that no longer runs is taken over. */
async function acquireLock(lockPath: string, directory: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database in ${directory} is in use by process ${owner}. ` +
            'Stop that process, or point DATA_DIR elsewhere, or set DATABASE_URL.',
        );
      }
      if (owner === process.pid) {
        throw new Error(`The embedded database in ${directory} is already in use by this process.`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${directory}.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
