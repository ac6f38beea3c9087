// The scenarios of issue 7: what each sends to Sentinel, what it is compared with, its target.
//
// Each scenario gives, per system it runs against ('sentinel', and 'baseline', 'argon2' or
// 'lookup' when it has a comparison), the autocannon options of one run; `beforeRun` prepares
// state before every run (warm-up included). `target` is what the report checks:
//   { ratio: x }          Sentinel's req/s ≥ x × the comparison's, medians of the same run
//   { rps: n }            Sentinel's req/s ≥ n
// either with `on: kind`: judged on that database kind only.
import { withBadSignature } from './fixtures.mjs';

const json = { 'content-type': 'application/json' };
const bearer = (token) => ({ authorization: `Bearer ${token}` });

export const SCENARIOS = [
  {
    name: 'session',
    title: 'GET /auth/session',
    compareWith: 'baseline',
    expectedStatus: 200,
    target: { ratio: 1.0 },
    load: (system, ctx) => ({
      url: `${ctx.servers[system].url}/auth/session`,
      headers: bearer(ctx.accessToken),
    }),
  },
  {
    name: 'unauthorized',
    title: 'GET /auth/session, bad signature (401)',
    compareWith: 'baseline',
    expectedStatus: 401,
    target: { ratio: 0.5 },
    load: (system, ctx) => ({
      url: `${ctx.servers[system].url}/auth/session`,
      headers: bearer(withBadSignature(ctx.accessToken)),
    }),
  },
  {
    name: 'users-me',
    title: 'GET /users/me',
    // node:http + jose + pg: the same verification, then the same SELECT over a pool of 10.
    compareWith: 'lookup',
    expectedStatus: 200,
    target: { ratio: 0.8, on: 'postgres' },
    load: (system, ctx) => ({
      url: `${ctx.servers[system].url}/users/me`,
      headers: bearer(ctx.accessToken),
    }),
  },
  {
    name: 'login',
    title: 'POST /auth/login',
    compareWith: 'argon2',
    expectedStatus: 200,
    target: { ratio: 0.9 },
    load(system, ctx) {
      if (system === 'argon2') {
        return {
          url: `${ctx.servers.argon2.url}/verify`,
          method: 'POST',
          headers: json,
          body: JSON.stringify({ password: ctx.argon2Password }),
        };
      }
      // Round-robin over the users, so no account's lockout counter is ever near its limit.
      let next = 0;
      const bodies = ctx.users.map((user) => JSON.stringify(user));
      return {
        url: `${ctx.servers.sentinel.url}/auth/login`,
        method: 'POST',
        headers: json,
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
          },
        ],
      };
    },
  },
  {
    name: 'refresh',
    title: 'POST /auth/refresh (rotation)',
    expectedStatus: 200,
    target: { rps: 1000, on: 'postgres' },
    // Two live tokens per connection: one in flight, one spare for a failed request's loss.
    beforeRun: (ctx) => ctx.refreshTokens.topUp(ctx.options.connections * 2),
    load: (system, ctx) => ({
      url: `${ctx.servers.sentinel.url}/auth/refresh`,
      method: 'POST',
      headers: json,
      requests: [
        {
          // Each request takes a token nobody else holds; its successor goes back to the pool.
          // An empty pool (should not happen) sends a token that is refused, counted as non-2xx.
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ refreshToken: ctx.refreshTokens.take() ?? 'pool-exhausted' }),
          }),
          onResponse: (status, body) => {
            if (status === 200) ctx.refreshTokens.put(JSON.parse(body).refreshToken);
          },
        },
      ],
    }),
  },
  {
    name: 'health',
    title: 'GET /health (database ping)',
    expectedStatus: 200,
    load: (system, ctx) => ({ url: `${ctx.servers.sentinel.url}/health` }),
  },
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);
