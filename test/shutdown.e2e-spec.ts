import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { freePort } from './support/free-port.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const post = (port: number, path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const get = (port: number, path: string, agent: Agent) =>
  new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
      );
    })
      .on('error', reject)
      .end();
  });

const connectTo = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });

/** The built server as operators run it, stopped with SIGTERM in the middle of a request. */
describe('graceful shutdown on SIGTERM', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    // The test runs what `npm start` runs: the compiled app.
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'pipe' });
    database = await createTestDatabase();
    port = await freePort();
    child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        ...database.env,
        NODE_ENV: 'production',
        MAIL_URL: 'disabled',
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        PORT: String(port),
        JWT_ALG: 'HS256',
        JWT_SECRET: randomBytes(48).toString('base64url'),
        LOG_LEVEL: 'log',
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 45_000;
    while (!output.includes('Listening on') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!output.includes('Listening on')) throw new Error(`the server did not start:\n${output}`);
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
  });

  it('finishes the request in flight, refuses new connections, tells kept-alive ones it is not ready, and exits 0 within 10 s', async () => {
    const email = `shutdown-${randomUUID()}@example.com`;
    const password = 'a long enough password';
    expect((await post(port, '/auth/register', { email, password })).status).toBe(201);

    // A sign-in whose body is only half sent when the signal arrives.
    const body = JSON.stringify({ email, password });
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/auth/login',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 500);
    });
    // A keep-alive connection a load balancer holds, idle when the signal arrives.
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, '/health/ready', keptAlive)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const sent = Date.now();
      child.once('exit', (code) => resolve({ code, ms: Date.now() - sent }));
    });
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));

    // A new connection is refused (a balancer retries it elsewhere, whatever the method)...
    await expect(connectTo(port)).rejects.toThrow(/ECONNREFUSED/);
    // ...one already open is still answered: not ready, and closed behind the answer.
    const ready = await get(port, '/health/ready', keptAlive);
    expect(ready.status).toBe(503);
    expect(ready.connection).toBe('close');
    expect(JSON.parse(ready.body)).toMatchObject({
      code: 'service_unavailable',
      details: { shutdown: { status: 'down' } },
    });

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body).accessToken).toEqual(expect.any(String));

    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(output).toContain('SIGTERM: finishing in-flight requests');
  }, 60_000);
});
