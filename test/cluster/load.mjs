import autocannon from 'autocannon';
import { randomInt } from 'node:crypto';

/** A client address per request (TRUST_PROXY=2), so the per-address rate limit never trips. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const json = () => ({ 'content-type': 'application/json', 'x-forwarded-for': someAddress() });
const bearer = (token) => ({ authorization: `Bearer ${token}`, 'x-forwarded-for': someAddress() });

/**
 * Steady load through nginx, bounded in time: each connection signs in, calls two authenticated
 * GETs, refreshes, calls again with the new token, and starts over. A step whose input a failed
 * step did not provide sends nothing and starts the cycle over (autocannon resets the context).
 * Every refresh answered 200 leaves its successor in `successors`, to be checked afterwards.
 */
export async function steadyLoad({ url, users, seconds, connections, successors }) {
  const byCause = {};
  const count = (action, status) => {
    const key = `${action} ${status}`;
    byCause[key] = (byCause[key] ?? 0) + 1;
  };
  const signIn = {
    method: 'POST',
    path: '/auth/login',
    setupRequest: (request) => {
      const user = users[randomInt(users.length)];
      return { ...request, headers: json(), body: JSON.stringify(user) };
    },
    onResponse: (status, body, context) => {
      count('sign-in', status);
      if (status === 200) Object.assign(context, JSON.parse(body));
    },
  };
  const get = (path, tokenField) => ({
    method: 'GET',
    path,
    setupRequest: (request, context) =>
      context[tokenField] ? { ...request, headers: bearer(context[tokenField]) } : null,
    onResponse: (status) => count(`GET ${path}`, status),
  });
  const refresh = {
    method: 'POST',
    path: '/auth/refresh',
    setupRequest: (request, context) =>
      context.refreshToken
        ? {
            ...request,
            headers: json(),
            body: JSON.stringify({ refreshToken: context.refreshToken }),
          }
        : null,
    onResponse: (status, body, context) => {
      count('refresh', status);
      if (status !== 200) return;
      const pair = JSON.parse(body);
      context.rotatedAccessToken = pair.accessToken;
      successors.push(pair.refreshToken);
    },
  };
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 20,
    requests: [
      signIn,
      get('/auth/session', 'accessToken'),
      get('/users/me', 'accessToken'),
      refresh,
      get('/auth/session', 'rotatedAccessToken'),
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    requests: result.requests.total,
    failed,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    byCause: Object.fromEntries(Object.entries(byCause).filter(([key]) => !/ 2\d\d$/.test(key))),
    p99Ms: result.latency.p99,
  };
}
