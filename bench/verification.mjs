// What the bare yardsticks share: the HS256 verification Sentinel does (jose's jwtVerify,
// algorithm pinned, iss, aud, typ and the claims Sentinel requires), and a bare JSON response.
//
// Environment: JWT_SECRET (used as its UTF-8 bytes, as Sentinel does), JWT_ISSUER, JWT_AUDIENCE.
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
export const UNAUTHORIZED = JSON.stringify({ statusCode: 401, error: 'Unauthorized' });

/** The verified claims of the request's bearer token; rejects as Sentinel would answer 401. */
export function verifyBearer(request) {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  return jwtVerify(token, key, options).then(({ payload }) => payload);
}

export function send(response, status, body) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
