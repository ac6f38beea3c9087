// `npm run demo`: Sentinel (embedded database, ./data) on :3000 and the example web app (Vite's
// dev server) on :5173, together, for a first look. Ctrl-C stops both.
import { spawn } from 'node:child_process';

const API = process.env.DEMO_API_PORT ?? '3000';
const WEB = process.env.DEMO_WEB_PORT ?? '5173';
const webOrigin = `http://localhost:${WEB}`;

const children = [
  spawn('node', ['dist/src/main.js'], {
    stdio: 'inherit',
    // The app is another origin of the same site (localhost): allowed by CORS, with the cookie.
    env: { ...process.env, PORT: API, CORS_ORIGINS: process.env.CORS_ORIGINS ?? webOrigin },
  }),
  spawn('node_modules/.bin/vite', ['examples/web', '--port', WEB, '--strictPort'], {
    stdio: 'inherit',
    env: { ...process.env, VITE_SENTINEL_URL: `http://localhost:${API}` },
  }),
];
console.log(`Sentinel: http://localhost:${API}/docs · web app: ${webOrigin}`);
console.log(
  'Create an account with POST /auth/register (see the README), then sign in in the app.',
);

const stop = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) {
  child.on('exit', (code) => {
    stop();
    process.exitCode ||= code ?? 0;
  });
}
