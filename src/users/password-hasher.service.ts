import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { securityConfig } from '../config/security.config.js';
import { ServerBusyError } from './server-busy.error.js';

/**
 * argon2id with the OWASP minimum (m=19 MiB, t=2, p=1). @node-rs/argon2 hashes on the libuv thread
 * pool, so hashing never blocks the event loop.
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 */
const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /**
   * One argon2 run per core at most. The thread pool would take four at once, each holding its
   * 19 MiB: on two cores that measured no better per request (CPU µs/sign-in within noise) and
   * took the peak RSS under sign-in load from ~193 MB to ~227 MB, over the 200 MB target.
   * Each run maps, faults in and unmaps its 19 MiB through the binding's own mimalloc (mmap +
   * MADV_HUGEPAGE + munmap), so glibc's MALLOC_* settings do not apply to it.
   */
  private readonly slots = pLimit(availableParallelism());
  /** Verified against when the account does not exist, so both cases cost one argon2 run. */
  private dummyHash: string;

  constructor(
    @Inject(securityConfig.KEY)
    private readonly config: Pick<ConfigType<typeof securityConfig>, 'passwordHashQueueMax'>,
  ) {}

  /** argon2 runs under way and waiting for a core. */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.activeCount, waiting: this.slots.pendingCount };
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(32).toString('base64url'));
  }

  /** Throws `ServerBusyError` (503) when PASSWORD_HASH_QUEUE_MAX runs already wait for a core. */
  async hash(password: string): Promise<string> {
    this.admit();
    return this.slots(() => hash(password, ARGON2_OPTIONS));
  }

  /**
   * `null` hash: the account is unknown; spend the same time and answer false. Throws
   * `ServerBusyError` (503) when the queue is full, before anything is checked.
   */
  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    this.admit();
    try {
      const matches = await this.slots(() => verify(passwordHash ?? this.dummyHash, password));
      return passwordHash !== null && matches;
    } catch {
      return false;
    }
  }

  /** A run that would have to wait behind a full queue is refused instead. */
  private admit(): void {
    const { running, waiting } = this.load;
    if (running >= this.slots.concurrency && waiting >= this.config.passwordHashQueueMax) {
      throw new ServerBusyError();
    }
  }
}
