import { Logger, type LoggerService } from '@nestjs/common';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtConfigFor, type JwtConfig } from '../../test/support/jwt-config.js';
import { generateKeyFile } from './key-files.js';
import { SigningKeys } from './signing-keys.js';
import { loadSigningKeys } from './signing-keys.loader.js';

const SECRET = 'loader-spec-secret-0123456789-abcdefghijkl';
const PREVIOUS = 'previous-loader-secret-9876543210-zyxwvuts';

describe('loadSigningKeys', () => {
  let dataDir: string;
  let keysDir: string;
  let warnings: string[];

  const configFor = (overrides: Partial<JwtConfig> = {}): JwtConfig =>
    jwtConfigFor({ keysDir, dataDir, ...overrides });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sentinel-loader-'));
    keysDir = join(dataDir, 'keys');
    warnings = [];
    const logger: LoggerService = {
      log: () => undefined,
      error: () => undefined,
      warn: (message: unknown) => warnings.push(String(message)),
    };
    Logger.overrideLogger(logger);
  });
  afterEach(async () => {
    Logger.overrideLogger(false);
    await rm(dataDir, { recursive: true, force: true });
  });

  describe.each(['ES256', 'RS256'] as const)('%s', (algorithm) => {
    it('generates one key in development when there is none, and signs with it', async () => {
      const keys = await loadSigningKeys(configFor({ algorithm }));

      const files = await readdir(keysDir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(
        new RegExp(`^\\d{8}T\\d{9}Z-${algorithm.toLowerCase()}-[0-9a-f]{4}\\.pem$`),
      );
      expect(keys.signing.kid).toBe(files[0].replace(/\.pem$/, ''));
      expect(keys.signing.algorithm).toBe(algorithm);
      expect(keys.signing.key.type).toBe('private');
      expect(keys.signing.verifyKey.type).toBe('public');
      expect(keys.all).toEqual([keys.signing]);
      expect(warnings).toEqual([expect.stringContaining(join(keysDir, files[0]))]);
    });

    it('reuses the generated key on the next start', async () => {
      const first = await loadSigningKeys(configFor({ algorithm }));
      const second = await loadSigningKeys(configFor({ algorithm }));

      expect(second.signing.kid).toBe(first.signing.kid);
      expect(second.signing.verifyKey.equals(first.signing.verifyKey)).toBe(true);
      expect(await readdir(keysDir)).toHaveLength(1);
      expect(warnings).toHaveLength(1);
    });
  });

  describe('ES256 key files', () => {
    it('refuses to start in production without a key, generating none', async () => {
      const error: Error = await loadSigningKeys(
        configFor({ algorithm: 'ES256', isProduction: true }),
      ).then(
        () => {
          throw new Error('expected loadSigningKeys to reject');
        },
        (reason: Error) => reason,
      );

      expect(error.message).toMatch(/^Invalid configuration: /);
      expect(error.message).toContain('keys:generate');
      expect(error.message).toContain('ES256');
      expect(error.message).toContain(keysDir);
      expect(error.message).not.toMatch(/[\r\n]/);
      await expect(readdir(keysDir)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('signs with the last key in file-name order and verifies with all', async () => {
      await generateKeyFile(keysDir, 'ES256', '20250601T000000Z-es256');
      await generateKeyFile(keysDir, 'ES256', '20250101T000000Z-es256');

      const keys = await loadSigningKeys(configFor({ isProduction: true }));

      expect(keys.signing.kid).toBe('20250601T000000Z-es256');
      expect(keys.all.map((key) => key.kid)).toEqual([
        '20250101T000000Z-es256',
        '20250601T000000Z-es256',
      ]);
      expect(keys.find('20250101T000000Z-es256')?.verifyKey.type).toBe('public');
      expect(keys.jwks().keys.map((jwk) => jwk.kid)).toEqual([
        '20250101T000000Z-es256',
        '20250601T000000Z-es256',
      ]);
      expect(warnings).toEqual([]);
    });

    it('signs with JWT_SIGNING_KID when set', async () => {
      await generateKeyFile(keysDir, 'ES256', 'a-key');
      await generateKeyFile(keysDir, 'ES256', 'b-key');

      const keys = await loadSigningKeys(configFor({ signingKid: 'a-key' }));

      expect(keys.signing.kid).toBe('a-key');
      expect(keys.find('b-key')?.kid).toBe('b-key');
    });

    it('refuses a JWT_SIGNING_KID that is not a key file, naming it', async () => {
      await generateKeyFile(keysDir, 'ES256', 'a-key');
      await generateKeyFile(keysDir, 'ES256', 'b-key');

      await expect(loadSigningKeys(configFor({ signingKid: 'c-key' }))).rejects.toThrow(
        /^Invalid configuration: JWT_SIGNING_KID c-key is not a key in .*\(found: a-key, b-key\)$/,
      );
    });

    it('refuses a key file unfit for the algorithm instead of generating another', async () => {
      await generateKeyFile(keysDir, 'RS256', 'rsa-key');

      await expect(loadSigningKeys(configFor({ algorithm: 'ES256' }))).rejects.toThrow(
        `Invalid key file ${join(keysDir, 'rsa-key.pem')}`,
      );
      expect(await readdir(keysDir)).toEqual(['rsa-key.pem']);
    });
  });

  describe('HS256', () => {
    it('uses JWT_SECRET and never writes a development secret', async () => {
      const keys = await loadSigningKeys(configFor({ algorithm: 'HS256', secret: SECRET }));

      expect(keys.signing.algorithm).toBe('HS256');
      expect(keys.signing.key.export().toString('utf8')).toBe(SECRET);
      expect(keys.signing.kid).toBe(SigningKeys.fromHmacSecrets(SECRET).signing.kid);
      expect(await readdir(dataDir)).toEqual([]);
      expect(warnings).toEqual([]);
    });

    it('signs with JWT_SECRET and still verifies JWT_PREVIOUS_SECRETS', async () => {
      const keys = await loadSigningKeys(
        configFor({ algorithm: 'HS256', secret: SECRET, previousSecrets: [PREVIOUS] }),
      );
      const currentKid = SigningKeys.fromHmacSecrets(SECRET).signing.kid;
      const previousKid = SigningKeys.fromHmacSecrets(PREVIOUS).signing.kid;

      expect(keys.signing.kid).toBe(currentKid);
      expect(keys.find(currentKid)).toBe(keys.signing);
      expect(keys.find(previousKid)?.key.export().toString('utf8')).toBe(PREVIOUS);
      expect(keys.all).toHaveLength(2);
      expect(keys.jwks()).toEqual({ keys: [] });
    });

    it('generates a development secret once, private to the owner, and reuses it', async () => {
      const first = await loadSigningKeys(configFor({ algorithm: 'HS256' }));
      const file = join(dataDir, 'jwt-secret');

      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const secret = await readFile(file, 'utf8');
      expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
      expect(first.signing.key.export().toString('utf8')).toBe(secret);
      expect(warnings).toEqual([expect.stringContaining(file)]);

      const second = await loadSigningKeys(configFor({ algorithm: 'HS256' }));

      expect(second.signing.kid).toBe(first.signing.kid);
      expect(warnings).toHaveLength(1);
    });

    it('replaces a development secret file that is too short', async () => {
      await writeFile(join(dataDir, 'jwt-secret'), 'short');

      const keys = await loadSigningKeys(configFor({ algorithm: 'HS256' }));

      const secret = await readFile(join(dataDir, 'jwt-secret'), 'utf8');
      expect(secret).not.toBe('short');
      expect(keys.signing.key.export().toString('utf8')).toBe(secret);
    });
  });
});
