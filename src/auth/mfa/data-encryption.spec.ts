import { randomBytes } from 'node:crypto';
import { DataEncryption } from './data-encryption.js';

describe('DataEncryption', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');

  it('round-trips, with a fresh IV each time and nothing of the plaintext in the ciphertext', () => {
    const encryption = DataEncryption.fromBase64([oldKey]);
    const first = encryption.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    const second = encryption.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    expect(first).not.toBe(second);
    expect(first).not.toContain('JBSWY3DPEHPK3PXP');
    expect(encryption.decrypt(first, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('rotates: the first key encrypts, every key decrypts; a removed key no longer does', () => {
    const sealedOld = DataEncryption.fromBase64([oldKey]).encrypt('secret', 'u');
    const rotated = DataEncryption.fromBase64([newKey, oldKey]);
    expect(rotated.decrypt(sealedOld, 'u')).toBe('secret');
    const sealedNew = rotated.encrypt('secret', 'u');
    expect(DataEncryption.fromBase64([newKey]).decrypt(sealedNew, 'u')).toBe('secret');
    expect(() => DataEncryption.fromBase64([newKey]).decrypt(sealedOld, 'u')).toThrow(
      /No DATA_ENCRYPTION_KEY/,
    );
  });

  it('refuses a value moved to another user, or tampered with', () => {
    const encryption = DataEncryption.fromBase64([oldKey]);
    const sealed = encryption.encrypt('secret', 'user-1');
    expect(() => encryption.decrypt(sealed, 'user-2')).toThrow();
    const [id, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      encryption.decrypt([id, iv, tag, flipped.toString('base64url')].join('.'), 'user-1'),
    ).toThrow();
  });
});
