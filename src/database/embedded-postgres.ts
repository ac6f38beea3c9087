import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { restrictToOwner } from './data-directory.js';

/** Unix socket paths are limited to ~107 bytes; leave room for `/.s.PGSQL.5432`. */
const MAX_SOCKET_DIR_LENGTH = 90;

/**
 * How the embedded database keeps Sentinel's memory small (ADR 0009). PGlite's WebAssembly memory
 * never shrinks, and a process's resident memory mostly does not either, so what matters is what
 * is ever allocated:
 *
 * - PostgreSQL's settings: initdb sizes the shared buffers for a server (128 MB); Sentinel's
 *   tables fit in a fraction of 16 MB, and the WAL buffers follow (1/32 of them). Passed on the
 *   command line, so they also hold for data directories created before they existed.
 * - V8 flags: `--liftoff-only` keeps PGlite's code on V8's baseline compiler. Optimising its hot
 *   functions with TurboFan costs ~75 MB more resident memory (optimised code, compilation) for
 *   ~10–30 % less CPU per statement inside PGlite. Process-wide, and read when a module is
 *   compiled: set before PGlite compiles its own; PGlite is Sentinel's only WebAssembly.
 * - initdb in a child process (see `initialize`).
 */
export const EMBEDDED_SETTINGS = ['shared_buffers=16MB'];
export const EMBEDDED_V8_FLAGS = ['--liftoff-only'];

const settingArgs = EMBEDDED_SETTINGS.flatMap((setting) => ['-c', setting]);
const PGLITE_OPTIONS: PGliteOptions = {
  startParams: [...PGlite.defaultStartParams, ...settingArgs],
  initDbStartParams: settingArgs,
};

/**
 * Creates a new data directory in a child process. PGlite's initdb runs two more WebAssembly
 * instances beside the one it creates (~600–700 MB of resident memory for a few seconds); in this
 * process that would stay as its high-water mark, and partly as resident memory, for its whole
 * life. A child's goes back to the system when it exits.
 */
const INITIALIZE = `
const [entry, directory, options] = process.argv.slice(1);
require(entry).PGlite.create(directory, JSON.parse(options)).then(
  (db) => db.close(),
  (error) => { console.error(error); process.exit(1); },
);`;

async function initialize(directory: string): Promise<void> {
  if (existsSync(join(directory, 'PG_VERSION'))) return;
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  await promisify(execFile)(
    process.execPath,
    [...EMBEDDED_V8_FLAGS, '-e', INITIALIZE, entry, directory, JSON.stringify(PGLITE_OPTIONS)],
    { timeout: 300_000 },
  );
}

/** Data directories this process holds, to tell our own lock from a stale one with our pid. */
const heldHere = new Set<string>();

/**
 * PostgreSQL without a server: PGlite (PostgreSQL compiled to WebAssembly) served in-process by
 * pglite-socket, so the app reaches it with the same `pg` driver and TypeORM code path as a real
 * server. It listens on a Unix socket in a directory only this user can enter (PGlite has no
 * authentication; a loopback TCP port would let any local process in), falling back to loopback
 * TCP only when the path is too long for a socket. One process may own a data directory at a time.
 * Sized for a small process rather than a server: see EMBEDDED_SETTINGS.
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
      await initialize(directory);
      for (const flag of EMBEDDED_V8_FLAGS) setFlagsFromString(flag);
      const db = await PGlite.create(directory, PGLITE_OPTIONS);
      // PGlite sets some modes itself, past the process umask (measured): initdb leaves its
      // files 0666, and every start rewrites pg_internal.init 0644 (PostgreSQL's fopen, under
      // WebAssembly's own umask of 022). Nothing it writes while running comes out wider, and
      // its directories stay 0700, so tightening once it is open covers the rest.
      await restrictToOwner(directory);
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
