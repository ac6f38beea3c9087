import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface WebApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Builds `packages/client` and then `examples/web` with Vite (as `npm run build` would, pointed
 * at `sentinelUrl`) into a temporary directory, and serves that bundle on `port` at
 * `http://localhost:<port>`: another origin of the same site as Sentinel on localhost.
 */
export async function serveWebApp(port: number, sentinelUrl: string): Promise<WebApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'sentinel-web-'));
  await run('npm', ['run', 'build', '--silent', '--workspace', '@sentinel/client']);
  await run(
    'node_modules/.bin/vite',
    ['build', 'examples/web', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    { env: { ...process.env, VITE_SENTINEL_URL: sentinelUrl } },
  );
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = join(outDir, normalize(path === '/' ? '/index.html' : path));
    readFile(file.startsWith(outDir) ? file : join(outDir, 'index.html'))
      .then((body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain' });
        response.end(body);
      })
      .catch(() => response.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
