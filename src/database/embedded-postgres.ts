import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmod, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Unix socket paths are limited to ~107 bytes; leave room for `/.s.PGSQL.5432`. */
const MAX_SOCKET_DIR_LENGTH = 90;

/** Data directories this process holds, to tell our own lock from a stale one with our pid. */
const heldHere = new Set<string>();

/**
 * PostgreSQL without a server: PGlite (PostgreSQL compiled to WebAssembly) served in-process by
 * pglite-socket, so the app reaches it with the same `pg` driver and TypeORM code path as a real
 * server. It listens on a Unix socket in a directory only this user can enter (PGlite has no
 * authentication; a loopback TCP port would let any local process in), falling back to loopback
 * TCP only when the path is too long for a socket. One process may own a data directory at a time.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockPath: string,
    private readonly directory: string,
    /** `postgres://` URL of the socket server. */
    readonly url: string,
  ) {}

  /**
   * @param maxConnections must be at least the client pool size: the socket server resets
   *   connections beyond it (its default is 1).
   */
  static async start(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
    const root = resolve(dataDir);
    const directory = join(root, 'pglite');
    await mkdir(directory, { recursive: true });
    const lockPath = join(root, 'pglite.lock');
    await acquireLock(lockPath, directory);
    try {
      const db = await PGlite.create(directory);
      const socketDir = join(root, 'run');
      const useSocket = socketDir.length <= MAX_SOCKET_DIR_LENGTH;
      if (useSocket) {
        await mkdir(socketDir, { recursive: true, mode: 0o700 });
        await chmod(socketDir, 0o700);
      }
      const server = new PGLiteSocketServer({
        db,
        maxConnections,
        ...(useSocket
          ? { path: join(socketDir, '.s.PGSQL.5432') }
          : { host: '127.0.0.1', port: 0 }),
      });
      await server.start();
      const url = useSocket
        ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`
        : `postgres://postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(db, server, lockPath, directory, url);
    } catch (error) {
      await releaseLock(lockPath, directory);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    await releaseLock(this.lockPath, this.directory);
  }
}

/**
 * Creates the lock file holding our pid. A lock whose process is gone is taken over; so is one
 * with our own pid that this process does not hold (a restarted container is often pid 1 again).
 */
async function acquireLock(lockPath: string, directory: string): Promise<void> {
  if (heldHere.has(directory)) {
    throw new Error(`The embedded database in ${directory} is already in use by this process.`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(directory);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const content = await readFile(lockPath, 'utf8').catch(() => '');
      const owner = Number(content.trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database in ${directory} is in use by process ${owner}. ` +
            'Stop that process, or point DATA_DIR elsewhere, or set DATABASE_URL.',
        );
      }
      // Stale. Remove it only if it is still the lock we judged, not one a racing starter just made.
      if ((await readFile(lockPath, 'utf8').catch(() => '')) === content) {
        await rm(lockPath, { force: true });
      }
    }
  }
  throw new Error(`Could not lock the embedded database in ${directory}.`);
}

async function releaseLock(lockPath: string, directory: string): Promise<void> {
  heldHere.delete(directory);
  await rm(lockPath, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
