// The yardstick for GET /auth/session and its 401 path: a bare node:http server doing the same
// HS256 verification as Sentinel (jose's jwtVerify, algorithm pinned, iss, aud, typ and the
// claims Sentinel requires: bench/verification.mjs) and nothing else: no framework, no headers,
// no logging.
//
// Environment: PORT, JWT_SECRET (used as its UTF-8 bytes, as Sentinel does), JWT_ISSUER,
// JWT_AUDIENCE.
import { createServer } from 'node:http';
import { send, UNAUTHORIZED, verifyBearer } from './verification.mjs';

const server = createServer((request, response) => {
  verifyBearer(request).then(
    (payload) =>
      send(
        response,
        200,
        JSON.stringify({
          userId: payload.sub,
          roles: payload.roles,
          expiresAt: new Date(payload.exp * 1000).toISOString(),
        }),
      ),
    () => send(response, 401, UNAUTHORIZED),
  );
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`baseline listening on ${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
