import type { AuthUser } from '../auth/auth-user.js';

interface Entry {
  principal: AuthUser;
  /** Epoch ms after which the entry must be looked up again. */
  until: number;
}

/**
 * API keys that verified, by key hash, so a key's later requests are a map lookup. Entries go
 * when their owner changes (roles, disable, delete) or a key of theirs is deleted, on every
 * instance (the `api_keys` channel of the revocation feed); and after `maxAgeMs` at most, or
 * when the key expires. `epoch` moves on every invalidation, so a lookup that read the database
 * before one does not cache what it read.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private currentEpoch = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  get epoch(): number {
    return this.currentEpoch;
  }

  get(hash: string, now: number): AuthUser | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  /** Caches unless something was invalidated since `epoch` was read (before the lookup). */
  set(hash: string, principal: AuthUser, epoch: number, now: number): void {
    if (epoch !== this.currentEpoch) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const until = Math.min(principal.expiresAt.getTime(), now + this.maxAgeMs);
    this.entries.set(hash, { principal, until });
  }

  /** Forgets the keys of `userId`, or every key for `'*'`. */
  forgetUser(userId: string): void {
    this.currentEpoch++;
    if (userId === '*') {
      this.entries.clear();
      return;
    }
    for (const [hash, entry] of this.entries) {
      if (entry.principal.userId === userId) this.entries.delete(hash);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
