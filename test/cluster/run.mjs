// npm run test:cluster: PostgreSQL (the machine's), PgBouncer (transaction pooling), Redis, three
// Sentinel instances and nginx in front of them, on free ports; then, through nginx, the seed flow,
// an instance killed under load, a rolling restart under load. Prints the figures as one JSON line
// and asserts the counts (never times). Exit code 0 when every check passed.
import { strict as assert } from 'node:assert';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import { steadyLoad } from './load.mjs';
import { findBinary, freePort, Instance, sleep, startNginx, startPgBouncer } from './processes.mjs';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const CONNECTIONS = 8;
const ACCESS_TOKEN_TTL = 6;
const RATE_LIMIT = 20;
const MAX_FAILURES = 5;
const PASSWORD = 'cluster test password';

const figures = {};
const results = [];
const processes = [];

async function check(name, work) {
  const started = Date.now();
  try {
    await work();
    results.push({ name, passed: true });
    console.log(`✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, passed: false, error: String(error?.stack ?? error) });
    console.log(`✕ ${name}\n${error?.stack ?? error}`);
  }
}

async function onServer(work, url = SERVER) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'sentinel-cluster-'));
const database = `sentinel_cluster_${randomBytes(6).toString('hex')}`;
const direct = new URL(SERVER);
direct.pathname = `/${database}`;
let nginxUrl;
let instances = [];

try {
  const nginxBinary = findBinary('nginx', ['nginx', '/usr/sbin/nginx']);
  const pgbouncerBinary = findBinary('pgbouncer', ['pgbouncer', '/usr/sbin/pgbouncer']);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  assert.equal(await redis.ping(), 'PONG', `Redis at ${REDIS_URL}`);
  redis.disconnect();
  await onServer((client) => client.query(`CREATE DATABASE "${database}"`));

  const pooler = await startPgBouncer(pgbouncerBinary, dir, await freePort(), SERVER, database);
  processes.push(pooler.child);
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    DATABASE_URL: pooler.url,
    DATABASE_DIRECT_URL: direct.toString(),
    DB_POOL_SIZE: '5',
    REDIS_URL,
    DATA_DIR: join(dir, 'data'),
    JWT_ALG: 'HS256',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
    JWT_CLOCK_TOLERANCE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    // nginx and a pretend edge proxy before it: the client is the address left of nginx's.
    TRUST_PROXY: '2',
    MAIL_URL: 'disabled',
    METRICS_ENABLED: 'false',
    LOG_LEVEL: 'log',
  };
  const ports = [await freePort(), await freePort(), await freePort()];
  instances = ports.map((port, i) => new Instance(`sentinel-${i + 1}`, port, env, dir));
  const nginxPort = await freePort();
  nginxUrl = `http://127.0.0.1:${nginxPort}`;

  await check(
    'three instances starting at once on an empty database: migrations run once, all ready',
    async () => {
      for (const instance of instances) instance.start();
      await Promise.all(instances.map((instance) => instance.ready()));
      const migrations = (await readdir('migrations')).filter((file) =>
        file.endsWith('.ts'),
      ).length;
      const rows = await onServer(
        (client) => client.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name'),
        direct.toString(),
      );
      assert.equal(rows.rows.length, migrations, 'every migration recorded');
      assert.ok(
        rows.rows.every((row) => row.n === 1),
        'each recorded once',
      );
      const logs = await Promise.all(instances.map((instance) => instance.log()));
      const applied = logs.join('\n').match(/Applied migration/g)?.length ?? 0;
      assert.equal(applied, migrations, 'each migration applied by exactly one instance');
      figures.migrations = { files: migrations, appliedLines: applied };
    },
  );
  if (!results.every((result) => result.passed)) throw new Error('the cluster did not start');
  processes.push(await startNginx(nginxBinary, dir, nginxPort, ports));

  const post = (base, path, body, headers = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const getWith = (base, path, token) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const direct_ = (instance) => `http://127.0.0.1:${instance.port}`;

  await check(
    'the seed flow through nginx; a logout through one instance is refused by the others at once',
    async () => {
      const email = `seed-${randomUUID()}@example.com`;
      assert.equal(
        (await post(nginxUrl, '/auth/register', { email, password: PASSWORD })).status,
        201,
      );
      const signIn = await post(nginxUrl, '/auth/login', { email, password: PASSWORD });
      assert.equal(signIn.status, 200);
      const first = await signIn.json();
      assert.equal((await getWith(nginxUrl, '/users/me', first.accessToken)).status, 200);
      await sleep((ACCESS_TOKEN_TTL + 1) * 1000);
      const expired = await getWith(nginxUrl, '/users/me', first.accessToken);
      assert.equal(expired.status, 401);
      assert.match(expired.headers.get('www-authenticate') ?? '', /invalid_token/);
      const refreshed = await post(nginxUrl, '/auth/refresh', { refreshToken: first.refreshToken });
      assert.equal(refreshed.status, 200);
      const second = await refreshed.json();
      assert.equal((await getWith(nginxUrl, '/users/me', second.accessToken)).status, 200);
      // Every instance accepts it, then a logout through the first ends it on the other two.
      for (const instance of instances) {
        assert.equal(
          (await getWith(direct_(instance), '/auth/session', second.accessToken)).status,
          200,
        );
      }
      const loggedOut = Date.now();
      const logout = await fetch(`${direct_(instances[0])}/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${second.accessToken}` },
      });
      assert.equal(logout.status, 204);
      const refusedAfterMs = [];
      for (const instance of instances.slice(1)) {
        for (;;) {
          const status = (await getWith(direct_(instance), '/auth/session', second.accessToken))
            .status;
          if (status === 401) break;
          assert.ok(Date.now() - loggedOut < 1000, `${instance.name} still accepts it after 1 s`);
          await sleep(10);
        }
        refusedAfterMs.push(Date.now() - loggedOut);
      }
      const afterLogout = await post(nginxUrl, '/auth/refresh', {
        refreshToken: second.refreshToken,
      });
      assert.equal(afterLogout.status, 401);
      figures.logoutRefusedByOthersAfterMs = refusedAfterMs;
    },
  );

  // The accounts the load signs in with.
  const users = [];
  for (let i = 0; i < 12; i += 1) {
    const user = { email: `load-${i}-${randomUUID()}@example.com`, password: PASSWORD };
    const response = await post(nginxUrl, '/auth/register', user, {
      'x-forwarded-for': `10.9.0.${i + 1}`,
    });
    assert.equal(response.status, 201);
    users.push(user);
  }

  /** Every successor a 200 refresh handed out still works (refreshing it answers 200). */
  async function unusableSuccessors(successors) {
    let unusable = 0;
    for (let i = 0; i < successors.length; i += 16) {
      const statuses = await Promise.all(
        successors.slice(i, i + 16).map(async (refreshToken) => {
          const response = await post(
            nginxUrl,
            '/auth/refresh',
            { refreshToken },
            {
              'x-forwarded-for': `10.8.${randomInt(256)}.${randomInt(1, 255)}`,
            },
          );
          return response.status;
        }),
      );
      unusable += statuses.filter((status) => status !== 200).length;
    }
    return unusable;
  }

  await check(
    'an instance killed with SIGKILL under load: only what it held fails, nothing committed is lost',
    async () => {
      const successors = [];
      const victim = instances[1];
      const during = steadyLoad({
        url: nginxUrl,
        users,
        seconds: 12,
        connections: CONNECTIONS,
        successors,
      });
      await sleep(4000);
      const killed = await victim.stop('SIGKILL');
      const duringKill = await during;
      // nginx has noticed: the same load again, with one instance gone.
      const afterKill = await steadyLoad({
        url: nginxUrl,
        users,
        seconds: 6,
        connections: CONNECTIONS,
        successors,
      });
      const unusable = await unusableSuccessors(successors);
      figures.sigkill = {
        duringKill,
        afterKill,
        signal: 'SIGKILL',
        exit: killed.code,
        successorsChecked: successors.length,
        unusable,
      };
      // One request per connection in flight at most: what the killed instance held.
      assert.ok(duringKill.failed <= CONNECTIONS, `${duringKill.failed} failures during the kill`);
      assert.ok(
        Object.keys(duringKill.byCause).every((cause) => / 502$/.test(cause)),
        `only 502s (the requests the instance held): ${JSON.stringify(duringKill.byCause)}`,
      );
      assert.equal(afterKill.failed, 0, `after the kill: ${JSON.stringify(afterKill.byCause)}`);
      assert.equal(unusable, 0, 'successors of 200 refreshes that no longer work');
      assert.ok(successors.length > 0, 'refreshes happened');
      victim.start();
      await victim.ready();
    },
  );

  await check(
    'the rate limit and the lockout are global (Redis, PostgreSQL) across the instances',
    async () => {
      // AUTH_RATE_LIMIT_PER_MINUTE from one address, spread by nginx over three instances.
      const address = `10.7.${randomInt(256)}.${randomInt(1, 255)}`;
      const statuses = [];
      for (let i = 0; i <= RATE_LIMIT; i += 1) {
        const response = await post(
          nginxUrl,
          '/auth/refresh',
          { refreshToken: 'x'.repeat(43) },
          { 'x-forwarded-for': address },
        );
        statuses.push(response.status);
      }
      assert.ok(
        statuses.slice(0, RATE_LIMIT).every((status) => status === 401),
        statuses.join(','),
      );
      assert.equal(statuses[RATE_LIMIT], 429);
      // LOGIN_MAX_FAILURES wrong passwords for one account, then even the right one is refused.
      const victim = users[0];
      const from = { 'x-forwarded-for': `10.6.${randomInt(256)}.${randomInt(1, 255)}` };
      for (let i = 0; i < MAX_FAILURES; i += 1) {
        const response = await post(
          nginxUrl,
          '/auth/login',
          { email: victim.email, password: 'wrong password!' },
          from,
        );
        assert.notEqual(response.status, 200);
      }
      const locked = await post(nginxUrl, '/auth/login', victim, from);
      assert.equal(locked.status, 429);
      assert.equal((await locked.json()).code, 'too_many_attempts');
      figures.globalLimits = { rateLimitStatuses: statuses.length, lockedAfter: MAX_FAILURES };
      users.shift();
    },
  );

  await check(
    'a rolling restart under load: zero failed requests, every instance exits 0',
    async () => {
      const successors = [];
      let rolling = true;
      const exits = [];
      const restarts = (async () => {
        await sleep(2000);
        for (const instance of instances) {
          exits.push({ name: instance.name, ...(await instance.stop('SIGTERM')) });
          instance.start();
          await instance.ready();
          await sleep(1000);
        }
        rolling = false;
      })();
      const loads = [];
      while (rolling) {
        loads.push(
          await steadyLoad({
            url: nginxUrl,
            users,
            seconds: 5,
            connections: CONNECTIONS,
            successors,
          }),
        );
      }
      await restarts;
      const total = loads.reduce(
        (sum, load) => ({
          requests: sum.requests + load.requests,
          failed: sum.failed + load.failed,
          p99Ms: Math.max(sum.p99Ms, load.p99Ms),
          byCause: { ...sum.byCause, ...load.byCause },
        }),
        { requests: 0, failed: 0, p99Ms: 0, byCause: {} },
      );
      const unusable = await unusableSuccessors(successors);
      figures.rollingRestart = { ...total, exits, successorsChecked: successors.length, unusable };
      assert.equal(total.failed, 0, `failed: ${JSON.stringify(total.byCause)}`);
      assert.deepEqual(
        exits.map((exit) => exit.code),
        [0, 0, 0],
      );
      assert.equal(unusable, 0);
      const logs = (await Promise.all(instances.map((instance) => instance.log()))).join('\n');
      assert.ok(!logs.includes('Shutdown took over'), 'no instance hit the shutdown limit');
    },
  );
} catch (error) {
  results.push({ name: 'cluster setup', passed: false, error: String(error?.stack ?? error) });
  console.log(`✕ cluster setup\n${error?.stack ?? error}`);
} finally {
  for (const child of [...instances.map((instance) => instance.child), ...processes.reverse()]) {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await Promise.all(
    [...instances.map((instance) => instance.child), ...processes].map((child) => child?.exited),
  );
  await onServer((client) =>
    client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  ).catch(() => undefined);
}

const passed = results.filter((result) => result.passed).length;
const failed = results.length - passed;
console.log(JSON.stringify({ cluster: figures, passed, failed }));
if (failed > 0) console.log(`logs kept in ${dir}`);
else await rm(dir, { recursive: true, force: true });
// For .ci/run's total: the shape of jest's --json summary.
if (process.env.CLUSTER_RESULTS) {
  await writeFile(
    process.env.CLUSTER_RESULTS,
    JSON.stringify({
      numPassedTests: passed,
      numFailedTests: failed,
      numRuntimeErrorTestSuites: 0,
      results,
    }),
  );
}
process.exit(failed > 0 ? 1 : 0);
