import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** No permission bits for group and other on anything this process creates (as PostgreSQL does). */
const OWNER_ONLY_UMASK = 0o077;

/**
 * Makes `DATA_DIR` owner-only before anything opens it (issue 12, item 3): it holds the embedded
 * database (which has no authentication), the development signing keys and secret, and the
 * socket directory. Sets the process umask, so files created later (PGlite's among them: it
 * creates them through Node's `fs` with PostgreSQL's modes, which the umask masks) get no group
 * or other bits either, then tightens whatever is already there, also in a data directory made
 * with wider permissions. A directory that does not exist yet is left to be created later
 * (under the umask): a server deployment may never write to it.
 */
export async function secureDataDirectory(dir: string): Promise<void> {
  process.umask(OWNER_ONLY_UMASK);
  await restrictToOwner(dir);
}

/**
 * Directories to 0700, files stripped of group and other bits, recursively. Symbolic links are
 * neither changed nor followed (chmod would change their target, which may lie outside). A path
 * that cannot be changed (another owner, a read-only mount) stops the start with its name.
 */
export async function restrictToOwner(path: string): Promise<void> {
  const stats = await lstat(path).catch(ignoreMissing);
  if (!stats || stats.isSymbolicLink()) return;
  const mode = stats.isDirectory() ? 0o700 : stats.mode & 0o700;
  if ((stats.mode & 0o777) !== mode) {
    await chmod(path, mode).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      throw new Error(`Cannot make ${path} owner-only (DATA_DIR must be): ${error.code}`);
    });
  }
  if (!stats.isDirectory()) return;
  const entries = (await readdir(path).catch(ignoreMissing)) ?? [];
  for (const entry of entries) await restrictToOwner(join(path, entry));
}

/** A file may vanish between listing and visiting it (a temporary file, a removed lock). */
function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
