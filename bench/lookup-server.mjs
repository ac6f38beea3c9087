// The yardstick for GET /users/me: a bare node:http server doing the same HS256 verification as
// Sentinel (bench/verification.mjs), then the same SELECT of the token's user by id (the `sub`
// claim) as Sentinel's UsersService.findProfile, as the same named prepared statement, over a
// pg.Pool of 10 connections (Sentinel's default DB_POOL_SIZE); it answers the row as JSON, 404
// when there is none, and nothing else: no framework, no headers, no logging.
//
// Environment: PORT, DATABASE_URL (the PostgreSQL database Sentinel uses in the run), PGAPPNAME
// (its connections' application_name: the bench tells its backends from Sentinel's by it),
// JWT_SECRET (used as its UTF-8 bytes, as Sentinel does), JWT_ISSUER, JWT_AUDIENCE.
import { createServer } from 'node:http';
import pg from 'pg';
import { send, UNAUTHORIZED, verifyBearer } from './verification.mjs';

// Sentinel's SQL for the profile (src/users/users.service.ts, findProfile), word for word.
const FIND_USER_PROFILE = {
  name: 'find_user_profile',
  text: `SELECT id, email, display_name AS "displayName", roles, disabled_at AS "disabledAt",
              created_at AS "createdAt"
         FROM users WHERE id = $1`,
};
const NOT_FOUND = JSON.stringify({ statusCode: 404, error: 'Not Found' });
const FAILED = JSON.stringify({ statusCode: 500, error: 'Internal Server Error' });

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const server = createServer((request, response) => {
  verifyBearer(request).then(
    (payload) =>
      pool.query({ ...FIND_USER_PROFILE, values: [payload.sub] }).then(
        ({ rows: [row] }) =>
          row ? send(response, 200, JSON.stringify(row)) : send(response, 404, NOT_FOUND),
        () => send(response, 500, FAILED),
      ),
    () => send(response, 401, UNAUTHORIZED),
  );
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`lookup listening on ${server.address().port}`);
});
process.once('SIGTERM', () =>
  server.close(() => pool.end().then(() => process.exit(0))).closeAllConnections(),
);
