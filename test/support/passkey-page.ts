import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>passkeys</title>
    <script src="/simplewebauthn-browser.js"></script></head>
  <body>passkeys test page</body>
</html>`;

export interface PasskeyPage {
  /** `http://localhost:<port>`: a secure context whose host is the RP ID `localhost`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A page that only loads `@simplewebauthn/browser` (its UMD bundle, as the global
 * `SimpleWebAuthnBrowser`), for a test to run `startRegistration` / `startAuthentication` in:
 * the test talks to the API itself and hands the options in and the answers out.
 */
export async function servePasskeyPage(port: number): Promise<PasskeyPage> {
  // The package exports only its modules; its browser bundle sits beside them.
  const packageDir = dirname(dirname(require.resolve('@simplewebauthn/browser')));
  const bundle = await readFile(join(packageDir, 'dist/bundle/index.umd.min.js'));
  const server: Server = createServer((request, response) => {
    if (request.url === '/simplewebauthn-browser.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
