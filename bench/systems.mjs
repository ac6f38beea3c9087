// The systems under test for one run: a fresh database, Sentinel in production mode, and the
// bare comparison servers, each a child process whose memory is watched.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, YARDSTICK_APPLICATION } from './database.mjs';
import { startServer } from './processes.mjs';
import { RssMonitor } from './rss.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SENTINEL_MAIN = `${ROOT}dist/src/main.js`;
export const PROFILES_DIR = fileURLToPath(new URL('./results/profiles/', import.meta.url));

const JWT = { JWT_ISSUER: 'sentinel', JWT_AUDIENCE: 'sentinel-api' };

/** Why the `lookup` yardstick (node:http + jose + pg) does not run on the embedded database. */
export const LOOKUP_NEEDS_SERVER =
  'the embedded database lives in Sentinel’s process, its socket admits only Sentinel’s pool';

/** The node flags `npm run start:prod` gives Sentinel: the bench measures it as shipped. */
export function productionNodeArgs() {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
  const words = scripts['start:prod'].split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
}

/**
 * Starts Sentinel (under `node <nodeArgs>`, profiled with `cpuProf`) and the comparison servers
 * asked for (`baseline`, `argon2`, `lookup`: booleans); answers
 * { database, servers, unavailable, monitor, argon2Password, profile, close() }, where
 * `unavailable` maps a comparison asked for but not started on this database to the reason.
 */
export async function startSystems({ baseline, argon2, lookup, cpuProf, nodeArgs = [] }) {
  if (!existsSync(SENTINEL_MAIN)) {
    throw new Error(`${SENTINEL_MAIN} is missing: build first (npm run bench does)`);
  }
  // Random each run, used as its UTF-8 text by Sentinel and the baseline alike.
  const secret = randomBytes(48).toString('base64');
  const argon2Password = `bench password ${randomBytes(4).toString('hex')}`;
  const database = await createBenchDatabase();
  const servers = {};
  const unavailable = {};
  const monitor = new RssMonitor();
  const profile = cpuProf ? `${PROFILES_DIR}sentinel-${Date.now()}.cpuprofile` : undefined;

  const close = async () => {
    monitor.stop();
    const stopped = await Promise.allSettled(Object.values(servers).map((server) => server.stop()));
    await database.drop();
    return stopped;
  };

  try {
    if (profile) await mkdir(PROFILES_DIR, { recursive: true });
    servers.sentinel = await startServer({
      name: 'sentinel',
      script: SENTINEL_MAIN,
      nodeArgs: [
        ...productionNodeArgs(),
        ...nodeArgs,
        ...(profile
          ? [
              '--cpu-prof',
              `--cpu-prof-dir=${PROFILES_DIR}`,
              `--cpu-prof-name=${profile.slice(PROFILES_DIR.length)}`,
            ]
          : []),
      ],
      // Its own data directory as the working directory: no stray .env is read.
      cwd: database.env.DATA_DIR,
      env: {
        ...database.env,
        ...JWT,
        NODE_ENV: 'production',
        MAIL_URL: 'disabled',
        JWT_ALG: 'HS256',
        JWT_SECRET: secret,
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        // The limits must never trip: the scenarios measure the paths, not the refusals.
        AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
        LOGIN_MAX_FAILURES: '1000',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
      },
      readyPath: '/health',
    });
    monitor.watch('sentinel', servers.sentinel.pid);
    /** A bare comparison server, bench/<name>-server.mjs, ready when GET / answers `status`. */
    const startYardstick = async (name, env, status) => {
      servers[name] = await startServer({
        name,
        script: `${ROOT}bench/${name}-server.mjs`,
        cwd: ROOT,
        env,
        readyPath: '/',
        readyStatus: status,
      });
      monitor.watch(name, servers[name].pid);
    };
    if (baseline) await startYardstick('baseline', { ...JWT, JWT_SECRET: secret }, 401);
    if (argon2) await startYardstick('argon2', { BENCH_PASSWORD: argon2Password }, 400);
    if (lookup && database.kind === 'postgres') {
      const { DATABASE_URL } = database.env;
      const env = { ...JWT, JWT_SECRET: secret, DATABASE_URL, PGAPPNAME: YARDSTICK_APPLICATION };
      await startYardstick('lookup', env, 401);
    } else if (lookup) {
      unavailable.lookup = LOOKUP_NEEDS_SERVER;
    }
    monitor.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { database, servers, unavailable, monitor, argon2Password, profile, close };
}
