import { chmod, lstat, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { refresh, signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Every path under `root` (itself included) whose mode gives group or other any permission. */
async function openToOthers(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const stats = await lstat(path);
    if (stats.mode & 0o077) found.push(`${(stats.mode & 0o777).toString(8)} ${path}`);
    if (stats.isDirectory()) {
      for (const entry of await readdir(path)) await visit(join(path, entry));
    }
  };
  await visit(root);
  return found;
}

/** Opens every file and directory under `root` to everyone, as a careless copy or umask would. */
async function openUp(root: string): Promise<void> {
  const stats = await lstat(root);
  await chmod(root, stats.isDirectory() ? 0o777 : 0o666);
  if (stats.isDirectory()) {
    for (const entry of await readdir(root)) await openUp(join(root, entry));
  }
}

describe('DATA_DIR is owner-only (issue 12, item 3)', () => {
  let t: TestApp;
  let dataDir: string;

  /** Register, sign in and refresh: writes to the embedded database (and its WAL). */
  const someWrites = async () => {
    const user = await registerUser(t.http);
    const session = await signIn(t.http, user.email, user.password);
    await refresh(t.http, session.refreshToken).expect(200);
  };

  beforeAll(async () => {
    // ES256 without JWT_KEYS_DIR: a development key pair is generated into DATA_DIR/keys, so the
    // directory holds secrets on the PostgreSQL server run too.
    t = await createTestApp({ JWT_ALG: 'ES256', JWT_SECRET: '' });
    dataDir = t.env.DATA_DIR;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves nothing readable by group or other after a first start and some writes', async () => {
    await someWrites();
    expect((await readdir(dataDir)).length).toBeGreaterThan(0);
    // While running: the embedded database's socket is there too.
    expect(await openToOthers(dataDir)).toEqual([]);
  });

  it('tightens a data directory opened to everyone before it starts on it', async () => {
    // Opened up while running: stopping it changes no mode, so the next start finds it so.
    await openUp(dataDir);
    await writeFile(join(dataDir, 'left-behind'), 'by an operator', { mode: 0o666 });
    await chmod(join(dataDir, 'left-behind'), 0o666);
    expect((await openToOthers(dataDir)).length).toBeGreaterThan(2);

    t = await t.restart();
    await someWrites();

    expect(await openToOthers(dataDir)).toEqual([]);
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await lstat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await lstat(join(dataDir, 'left-behind'))).mode & 0o777).toBe(0o600);
  });
});
