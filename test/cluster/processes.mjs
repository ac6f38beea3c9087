import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A loopback port that was free a moment ago (as test/support/free-port.ts). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first of `candidates` that exists on PATH or as a path. */
export function findBinary(name, candidates) {
  for (const candidate of candidates) {
    try {
      execFileSync('sh', ['-c', `command -v ${candidate}`], { stdio: 'pipe' });
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`${name} is not installed (apt-get install ${name})`);
}

/** Spawns `command`, its output appended to `logFile`; `exited` resolves with code and signal. */
function start(command, args, { env, logFile, cwd }) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return child;
}

/** GETs `url` until it answers 200 or `ms` pass. */
export async function waitFor200(url, ms, child) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${ms} ms`);
}

/** One Sentinel instance, the compiled app as `npm run start:prod` runs it. */
export class Instance {
  constructor(name, port, env, dir) {
    Object.assign(this, { name, port, env, logFile: join(dir, `${name}.log`) });
  }

  start() {
    this.child = start(
      process.execPath,
      ['--max-old-space-size=128', '--max-semi-space-size=8', 'dist/src/main.js'],
      { env: { ...this.env, PORT: String(this.port) }, logFile: this.logFile },
    );
    return this;
  }

  ready(ms = 60_000) {
    return waitFor200(`http://127.0.0.1:${this.port}/health/ready`, ms, this.child);
  }

  /** Sends `signal`; resolves with the exit code and how long the exit took. */
  async stop(signal) {
    const sent = Date.now();
    this.child.kill(signal);
    const { code } = await this.child.exited;
    return { code, ms: Date.now() - sent };
  }

  log() {
    return readFile(this.logFile, 'utf8');
  }
}

/** nginx with deploy/nginx/sentinel.conf.template, in `dir`, in the foreground. */
export async function startNginx(binary, dir, port, upstreamPorts) {
  const template = await readFile('deploy/nginx/sentinel.conf.template', 'utf8');
  const upstreams = upstreamPorts
    .map((upstream) => `server 127.0.0.1:${upstream} max_fails=1 fail_timeout=5s;`)
    .join('\n    ');
  await writeFile(
    join(dir, 'sentinel.conf'),
    template
      .replaceAll('${SENTINEL_UPSTREAMS}', upstreams)
      .replaceAll('${NGINX_PORT}', `127.0.0.1:${port}`),
  );
  // Workers may run as another user (nobody when started as root): their temp paths must be theirs.
  const temp = join(dir, 'nginx-temp');
  await mkdir(temp, { recursive: true });
  await chmod(temp, 0o777);
  await writeFile(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path ${temp}/body;
    proxy_temp_path ${temp}/proxy;
    fastcgi_temp_path ${temp}/fastcgi;
    uwsgi_temp_path ${temp}/uwsgi;
    scgi_temp_path ${temp}/scgi;
    include ${join(dir, 'sentinel.conf')};
}
`,
  );
  const child = start(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    logFile: join(dir, 'nginx.log'),
  });
  await waitFor200(`http://127.0.0.1:${port}/health/live`, 15_000, child).catch(async (error) => {
    throw new Error(
      `${error.message}\n${await readFile(join(dir, 'nginx-error.log'), 'utf8').catch(() => '')}`,
    );
  });
  return child;
}

/**
 * PgBouncer in transaction pooling mode in front of `database` on the server at `server`
 * (a postgres:// URL whose user the server trusts from this machine).
 */
export async function startPgBouncer(binary, dir, port, server, database) {
  const url = new URL(server);
  const user = decodeURIComponent(url.username) || 'postgres';
  await writeFile(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    `[databases]
${database} = host=${url.hostname} port=${url.port || 5432} dbname=${database} connect_query='SET statement_timeout = 5000'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
; pg sends statement_timeout at connect: the server connections get it from connect_query above
ignore_startup_parameters = extra_float_digits,statement_timeout
`,
  );
  await chmod(dir, 0o755);
  // PgBouncer refuses to run as root.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = start(binary, [...asUser, join(dir, 'pgbouncer.ini')], {
    logFile: join(dir, 'pgbouncer.log'),
  });
  const pooled = new URL(server);
  pooled.port = String(port);
  pooled.pathname = `/${database}`;
  return { child, url: pooled.toString() };
}
