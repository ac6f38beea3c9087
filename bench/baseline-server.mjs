// The yardstick for GET /auth/session and its 401 path: a bare node:http server doing the same
// HS256 verification as Sentinel (jose's jwtVerify, algorithm pinned, iss, aud, typ and the
// claims Sentinel requires) and nothing else: no framework, no headers, no logging.
//
// Environment: PORT, JWT_SECRET (used as its UTF-8 bytes, as Sentinel does), JWT_ISSUER,
// JWT_AUDIENCE.
import { createServer } from 'node:http';
import { createSecretKey } from 'node:crypto';
import { jwtVerify } from 'jose';

const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8'));
const options = {
  algorithms: ['HS256'],
  issuer: process.env.JWT_ISSUER ?? 'sentinel',
  audience: process.env.JWT_AUDIENCE ?? 'sentinel-api',
  typ: 'at+jwt',
  clockTolerance: 30,
  requiredClaims: ['exp', 'iat', 'sub', 'jti', 'sid'],
};
const UNAUTHORIZED = JSON.stringify({ statusCode: 401, error: 'Unauthorized' });

function send(response, status, body) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

const server = createServer((request, response) => {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  jwtVerify(token, key, options).then(
    ({ payload }) =>
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
