import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteJwks } from './remote-jwks.js';

const jwk = (kid: string, key: KeyObject) => ({
  ...key.export({ format: 'jwk' }),
  kid,
  use: 'sig',
});
const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey;

/** Serves `keys` as a JWKS document on a loopback port. */
async function jwksServer(keys: object[]): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/.well-known/jwks.json` };
}

describe('RemoteJwks', () => {
  it('applies the local key-file bar to fetched keys: RSA under 2048 bits is ignored', async () => {
    const { server, url } = await jwksServer([
      jwk('weak', rsa(1024)),
      jwk('strong', rsa(2048)),
      jwk('ec', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey),
    ]);
    const jwks = new RemoteJwks({ url, algorithm: 'RS256', refreshIntervalMs: 3_600_000 });
    try {
      await jwks.onModuleInit();
      expect(jwks.kids).toEqual(['strong']);
      expect(jwks.verificationKey('weak')).toBeUndefined();
      expect(jwks.verificationKey('strong')?.asymmetricKeyDetails?.modulusLength).toBe(2048);
    } finally {
      jwks.onModuleDestroy();
      server.close();
    }
  });

  it('keeps only P-256 keys for ES256', async () => {
    const { server, url } = await jwksServer([
      jwk('p256', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey),
      jwk('p384', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey),
      jwk('rsa', rsa(2048)),
    ]);
    const jwks = new RemoteJwks({ url, algorithm: 'ES256', refreshIntervalMs: 3_600_000 });
    try {
      await jwks.onModuleInit();
      expect(jwks.kids).toEqual(['p256']);
    } finally {
      jwks.onModuleDestroy();
      server.close();
    }
  });
});
