import { createSecretKey, createHmac } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { TestApp } from './test-app.js';

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeToken(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

/** Joins a header and payload and signs them with HMAC-SHA(bits) over `secret`. */
export function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Buffer,
  bits = 256,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = createHmac(`sha${bits}`, secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/**
 * Signs an access token with the app's own secret, as the app would, then applies `changes`:
 * the attacker-with-the-key baseline that the claim checks must still refuse.
 */
export function forgeWithAppSecret(
  t: TestApp,
  genuine: string,
  changes: { header?: Record<string, unknown>; payload?: Record<string, unknown> },
): string {
  const { header, payload } = decodeToken(genuine);
  const merged = { ...payload, ...changes.payload };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return jsonwebtoken.sign(merged, createSecretKey(Buffer.from(t.env.JWT_SECRET)), {
    algorithm: 'HS256',
    header: { ...header, ...changes.header } as unknown as jsonwebtoken.JwtHeader,
  });
}
