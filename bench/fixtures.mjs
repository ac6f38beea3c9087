// What the scenarios need from a running Sentinel: registered users, access tokens, a token with
// a bad signature, and a pool of live refresh tokens.
import { createHmac, randomBytes } from 'node:crypto';

/** One JSON request; answers { status, body } and throws on a transport error. */
export async function request(baseUrl, method, path, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function expectStatus(promise, status, what) {
  const response = await promise;
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Runs `task(i)` for i < count, `concurrency` at a time. */
async function inParallel(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Registers `count` users (argon2 hashing makes this take a few seconds). */
export async function registerUsers(baseUrl, count) {
  const run = randomBytes(4).toString('hex');
  return inParallel(count, 8, async (i) => {
    const user = { email: `bench-${run}-${i}@example.com`, password: `bench password ${run} ${i}` };
    await expectStatus(request(baseUrl, 'POST', '/auth/register', { body: user }), 201, 'register');
    return user;
  });
}

/** Signs in; answers the token response ({ accessToken, refreshToken, … }). */
export function login(baseUrl, user) {
  return expectStatus(request(baseUrl, 'POST', '/auth/login', { body: user }), 200, 'login');
}

/** The same header and claims, signed with another secret: well-formed, signature wrong. */
export function withBadSignature(token) {
  const [header, payload] = token.split('.');
  const signature = createHmac('sha256', randomBytes(48))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * Live refresh tokens for the refresh scenario. Each request takes one out and puts its successor
 * back, so no token is ever presented twice (a second presentation revokes the session). Tokens
 * whose request did not come back (still in flight when a run ends, or failed) are dropped, and
 * `topUp` replaces them with new sign-ins before the next run.
 */
export class RefreshTokenPool {
  #tokens = [];
  #nextUser = 0;

  constructor(baseUrl, users) {
    this.baseUrl = baseUrl;
    this.users = users;
  }

  get size() {
    return this.#tokens.length;
  }

  take() {
    return this.#tokens.pop();
  }

  put(token) {
    this.#tokens.push(token);
  }

  async topUp(target) {
    const missing = Math.max(0, target - this.#tokens.length);
    await inParallel(missing, 8, async () => {
      const user = this.users[this.#nextUser++ % this.users.length];
      this.put((await login(this.baseUrl, user)).refreshToken);
    });
  }
}
