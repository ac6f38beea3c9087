import { generateRefreshToken } from './refresh-token-secret.js';
import { openSealedSuccessor, sealSuccessor } from './refresh-successor-seal.js';

describe('sealSuccessor / openSealedSuccessor', () => {
  const presented = generateRefreshToken().token;
  const successor = generateRefreshToken().token;

  it('gives the successor back to the holder of the presented token only', () => {
    const sealed = sealSuccessor(presented, successor);

    expect(openSealedSuccessor(presented, sealed)).toBe(successor);
    expect(() => openSealedSuccessor(generateRefreshToken().token, sealed)).toThrow();
  });

  it('stores nothing of the successor in the clear, and a new IV every time', () => {
    const [a, b] = [sealSuccessor(presented, successor), sealSuccessor(presented, successor)];

    for (const sealed of [a, b]) {
      expect(sealed.toString('latin1')).not.toContain(successor);
      expect(sealed.toString('base64url')).not.toContain(successor.slice(0, 8));
    }
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a sealed successor that was altered', () => {
    const sealed = sealSuccessor(presented, successor);
    sealed[20] ^= 1;

    expect(() => openSealedSuccessor(presented, sealed)).toThrow();
  });
});
