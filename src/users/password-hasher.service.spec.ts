import { availableParallelism } from 'node:os';
import { PasswordHasher } from './password-hasher.service.js';
import { ServerBusyError } from './server-busy.error.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ passwordHashQueueMax: 1000 });
  const password = 'correct horse battery staple';
  let stored: string;

  beforeAll(async () => {
    await hasher.onModuleInit();
    stored = await hasher.hash(password);
  });

  it('hashes with argon2id at the OWASP minimum parameters', () => {
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(stored).not.toContain(password);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    await expect(hasher.hash(password)).resolves.not.toBe(stored);
  });

  it('verifies the right password', async () => {
    await expect(hasher.verify(stored, password)).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    await expect(hasher.verify(stored, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('answers false for an unknown account (null hash), whatever the password', async () => {
    await expect(hasher.verify(null, password)).resolves.toBe(false);
    await expect(hasher.verify(null, '')).resolves.toBe(false);
  });

  it('answers false, without throwing, for a stored value that is not a hash', async () => {
    await expect(hasher.verify('not-a-hash', password)).resolves.toBe(false);
    await expect(hasher.verify('', password)).resolves.toBe(false);
  });

  it('runs at most one argon2 per core, queueing the rest, and answers every one', async () => {
    const cores = availableParallelism();
    const checks = Array.from({ length: 3 * cores }, (_, i) =>
      hasher.verify(stored, i % 2 === 0 ? password : 'wrong'),
    );
    expect(hasher.load).toEqual({ running: cores, waiting: 2 * cores });

    const results = await Promise.all(checks);
    expect(results).toEqual(Array.from({ length: 3 * cores }, (_, i) => i % 2 === 0));
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses with server_busy, before any work, once PASSWORD_HASH_QUEUE_MAX runs wait', async () => {
    const cores = availableParallelism();
    const bounded = new PasswordHasher({ passwordHashQueueMax: 2 });
    await bounded.onModuleInit();
    const admitted = Array.from({ length: cores + 2 }, () => bounded.verify(stored, password));
    expect(bounded.load).toEqual({ running: cores, waiting: 2 });

    await expect(bounded.verify(stored, password)).rejects.toBeInstanceOf(ServerBusyError);
    await expect(bounded.hash(password)).rejects.toMatchObject({
      status: 503,
      response: { code: 'server_busy', details: { retryAfterSeconds: 1 } },
    });
    expect(bounded.load).toEqual({ running: cores, waiting: 2 });

    await expect(Promise.all(admitted)).resolves.toEqual(admitted.map(() => true));
    await expect(bounded.verify(stored, password)).resolves.toBe(true);
  });
});
