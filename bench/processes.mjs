// The servers under test, each a child process: start, wait until it answers, stop gracefully.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the child binds it right after). */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** The environment a child gets: the basics of ours, then exactly the variables given. */
function childEnv(env) {
  const inherited = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'UV_THREADPOOL_SIZE']) {
    if (process.env[name] !== undefined) inherited[name] = process.env[name];
  }
  return { ...inherited, ...env };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node <nodeArgs…> <script>` and resolves once GET `readyPath` answers `readyStatus`.
 * @returns the running server: name, pid, url, stop().
 */
export async function startServer({
  name,
  script,
  nodeArgs = [],
  env,
  cwd,
  readyPath,
  readyStatus = 200,
  timeoutMs = 180_000,
}) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd,
    env: childEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = once(child, 'exit').then(([code, signal]) => {
    exited = true;
    return { code, signal };
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${name} did not answer ${readyPath} within ${timeoutMs / 1000} s:\n${output}`,
      );
    }
    try {
      const response = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === readyStatus) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }

  return {
    name,
    pid: child.pid,
    url,
    port,
    output: () => output,
    /** SIGTERM (the servers finish in-flight requests and exit 0), SIGKILL after 20 s. */
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}
