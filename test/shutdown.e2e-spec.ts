import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { freePort } from './support/free-port.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const post = (port: number, path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
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

  it('finishes the request in flight, refuses new connections, and exits 0 within 10 s', async () => {
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
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const sent = Date.now();
      child.once('exit', (code) => resolve({ code, ms: Date.now() - sent }));
    });
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));

    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body).accessToken).toEqual(expect.any(String));

    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(output).toContain('SIGTERM: finishing in-flight requests');
  }, 60_000);
});
