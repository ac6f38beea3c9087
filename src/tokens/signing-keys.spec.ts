import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKeys } from './signing-keys.js';

describe('SigningKeys', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sentinel-keys-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses JWT_SECRET as its UTF-8 bytes, with a kid derived from it', async () => {
    const keys = await SigningKeys.load({ secret: 'é'.repeat(16), dataDir });
    expect(keys.signing.algorithm).toBe('HS256');
    expect(keys.signing.key.export().equals(Buffer.from('é'.repeat(16), 'utf8'))).toBe(true);
    expect(keys.signing.kid).toMatch(/^hs-[\w-]{12}$/);
    const other = await SigningKeys.load({ secret: 'e'.repeat(32), dataDir });
    expect(other.signing.kid).not.toBe(keys.signing.kid);
  });

  it('generates a development secret once, private to the owner, and reuses it', async () => {
    const first = await SigningKeys.load({ dataDir });
    const file = join(dataDir, 'jwt-secret');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.byteLength(await readFile(file, 'utf8'))).toBeGreaterThanOrEqual(32);
    const second = await SigningKeys.load({ dataDir });
    expect(second.signing.kid).toBe(first.signing.kid);
  });

  it('finds keys by kid only, and nothing for anything else', async () => {
    const keys = SigningKeys.fromHmacSecret('k'.repeat(40));
    expect(keys.find(keys.signing.kid)).toBe(keys.signing);
    for (const kid of [undefined, null, 42, '', 'hs-other', '../jwt-secret', 'constructor']) {
      expect(keys.find(kid)).toBeUndefined();
    }
  });
});
