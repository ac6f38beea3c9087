import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datedKid, generateKeyFile, readKeyFiles } from './key-files.js';

const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecPem = (namedCurve = 'prime256v1') =>
  pkcs8(generateKeyPairSync('ec', { namedCurve }).privateKey);
const rsaPem = (modulusLength = 2048) =>
  pkcs8(generateKeyPairSync('rsa', { modulusLength }).privateKey);

describe('key files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-key-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('generateKeyFile and readKeyFiles', () => {
    it.each([
      ['ES256', 'ec', { namedCurve: 'prime256v1' }],
      ['RS256', 'rsa', { modulusLength: 2048 }],
    ] as const)(
      'writes a %s key as <kid>.pem, mode 0600, that loads back',
      async (algorithm, type, details) => {
        const path = await generateKeyFile(dir, algorithm, 'key-1');

        expect(path).toBe(join(dir, 'key-1.pem'));
        expect((await stat(path)).mode & 0o777).toBe(0o600);
        expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

        const keys = await readKeyFiles(dir, algorithm);

        expect(keys).toHaveLength(1);
        const [key] = keys;
        expect(key.kid).toBe('key-1');
        expect(key.algorithm).toBe(algorithm);
        expect(key.key.type).toBe('private');
        expect(key.key.asymmetricKeyType).toBe(type);
        expect(key.key.asymmetricKeyDetails).toMatchObject(details);
        expect(key.verifyKey.type).toBe('public');
        expect(key.verifyKey.equals(createPublicKey(key.key))).toBe(true);
      },
    );

    it('names a generated key with a dated kid by default', async () => {
      const path = await generateKeyFile(dir, 'ES256');

      expect(path).toMatch(/\/\d{8}T\d{9}Z-es256-[0-9a-f]{4}\.pem$/);
      expect((await readKeyFiles(dir, 'ES256'))[0].kid).toMatch(/^\d{8}T\d{9}Z-es256-[0-9a-f]{4}$/);
    });

    it('creates a missing keys directory private to the owner', async () => {
      const keysDir = join(dir, 'nested', 'keys');

      await generateKeyFile(keysDir, 'ES256', 'key-1');

      expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
      expect(await readdir(keysDir)).toEqual(['key-1.pem']);
    });

    it('never overwrites an existing key file', async () => {
      const path = await generateKeyFile(dir, 'ES256', 'key-1');
      const before = await readFile(path, 'utf8');

      await expect(generateKeyFile(dir, 'ES256', 'key-1')).rejects.toMatchObject({
        code: 'EEXIST',
      });
      expect(await readFile(path, 'utf8')).toBe(before);
    });
  });

  describe('readKeyFiles', () => {
    it('loads every key sorted by file name', async () => {
      for (const kid of ['c-key', 'a-key', '20250101T000000Z-es256', 'b-key']) {
        await writeFile(join(dir, `${kid}.pem`), ecPem());
      }

      const keys = await readKeyFiles(dir, 'ES256');

      expect(keys.map((key) => key.kid)).toEqual([
        '20250101T000000Z-es256',
        'a-key',
        'b-key',
        'c-key',
      ]);
    });

    it('ignores files that are not .pem', async () => {
      await writeFile(join(dir, 'key-1.pem'), ecPem());
      await writeFile(join(dir, 'README'), 'not a key');
      await writeFile(join(dir, 'key-2.pem.bak'), 'garbage');
      await writeFile(join(dir, 'key-3.pub'), ecPem());

      expect((await readKeyFiles(dir, 'ES256')).map((key) => key.kid)).toEqual(['key-1']);
    });

    it('returns no key for an empty or missing directory', async () => {
      await expect(readKeyFiles(dir, 'ES256')).resolves.toEqual([]);
      await expect(readKeyFiles(join(dir, 'missing'), 'RS256')).resolves.toEqual([]);
    });

    it.each<[string, string, 'ES256' | 'RS256', () => string, RegExp]>([
      ['an RSA key under 2048 bits', 'small', 'RS256', () => rsaPem(1024), /1024-bit RSA key/],
      ['an EC key on P-384 for ES256', 'p384', 'ES256', () => ecPem('secp384r1'), /secp384r1/],
      ['an EC key for RS256', 'ec', 'RS256', () => ecPem(), /not RSA \(JWT_ALG=RS256\)/],
      ['an RSA key for ES256', 'rsa', 'ES256', () => rsaPem(), /not EC \(JWT_ALG=ES256\)/],
      [
        'a PKCS#1 RSA key',
        'pkcs1',
        'RS256',
        () =>
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            type: 'pkcs1',
            format: 'pem',
          }) as string,
        /expected a PKCS#8 private key/,
      ],
      ['a public key', 'public', 'ES256', () => publicPem(), /expected a PKCS#8 private key/],
      [
        'garbage inside PEM markers',
        'garbage',
        'ES256',
        () => '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
        /^Invalid key file \S+: (?!it )/,
      ],
      ['an empty file', 'empty', 'ES256', () => '', /expected a PKCS#8 private key/],
    ])('refuses %s, naming the file', async (_case, kid, algorithm, pem, reason) => {
      if (kid === 'pkcs1') expect(pem()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      await writeFile(join(dir, 'a-good-key.pem'), algorithm === 'ES256' ? ecPem() : rsaPem());
      await writeFile(join(dir, `${kid}.pem`), pem());

      const error: Error = await readKeyFiles(dir, algorithm).then(
        () => {
          throw new Error('expected readKeyFiles to reject');
        },
        (reason: Error) => reason,
      );

      expect(error.message).toMatch(/^Invalid key file /);
      expect(error.message).toContain(`Invalid key file ${join(dir, `${kid}.pem`)}: `);
      expect(error.message).toMatch(reason);
      expect(error.message).not.toMatch(/[\r\n]/);
    });

    it.each(['a b', 'key;rm', 'k'.repeat(65), 'ключ'])(
      'refuses the file name %p.pem, naming the file',
      async (kid) => {
        await writeFile(join(dir, `${kid}.pem`), ecPem());

        await expect(readKeyFiles(dir, 'ES256')).rejects.toThrow(
          `Invalid key file ${join(dir, `${kid}.pem`)}: the name must match`,
        );
      },
    );

    it('accepts a kid of 64 word characters, dots and dashes', async () => {
      const kid = `key.v1-${'x'.repeat(57)}`;
      expect(kid).toHaveLength(64);
      await writeFile(join(dir, `${kid}.pem`), ecPem());

      expect((await readKeyFiles(dir, 'ES256')).map((key) => key.kid)).toEqual([kid]);
    });
  });

  describe('datedKid', () => {
    it('stamps the UTC time to the millisecond, the algorithm and a random suffix', () => {
      expect(datedKid('ES256', new Date('2025-01-02T03:04:05.678Z'))).toMatch(
        /^20250102T030405678Z-es256-[0-9a-f]{4}$/,
      );
      expect(datedKid('RS256', new Date('2025-12-31T23:59:59Z'))).toMatch(
        /^20251231T235959000Z-rs256-[0-9a-f]{4}$/,
      );
    });

    it('gives two keys made at the same instant different kids', () => {
      const now = new Date();
      const kids = new Set(Array.from({ length: 20 }, () => datedKid('ES256', now)));
      expect(kids.size).toBe(20);
    });

    it('sorts chronologically', () => {
      const dates = [
        '2025-01-02T03:04:05Z',
        '2024-12-31T23:59:59Z',
        '2025-10-01T00:00:00Z',
        '2025-01-02T03:04:05.001Z',
        '2025-02-01T00:00:00Z',
        '2026-01-01T00:00:00Z',
      ].map((date) => new Date(date));
      const kids = dates.map((date) => ({ time: date.getTime(), kid: datedKid('ES256', date) }));
      const byKid = [...kids].sort((a, b) => (a.kid < b.kid ? -1 : 1)).map((k) => k.time);
      const byTime = [...kids].sort((a, b) => a.time - b.time).map((k) => k.time);

      expect(byKid).toEqual(byTime);
    });
  });

  it('treats a missing directory as no keys, but reports any other read error', async () => {
    await expect(readKeyFiles(join(tmpdir(), 'sentinel-no-such-dir-x9'), 'ES256')).resolves.toEqual(
      [],
    );
    const file = join(tmpdir(), `sentinel-not-a-dir-${process.pid}`);
    await writeFile(file, 'x');
    try {
      await expect(readKeyFiles(file, 'ES256')).rejects.toThrow(/ENOTDIR/);
    } finally {
      await rm(file, { force: true });
    }
  });
});

function publicPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
}
