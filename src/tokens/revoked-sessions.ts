import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';
import { AccessTokenLifetimes, LIFETIME_RENEWAL_SECONDS } from './access-token-lifetimes.js';

/**
 * The revoked sessions whose access tokens may still be unexpired (and the `jti`s of revoked
 * service tokens and the ids of deleted service accounts, which have no session), held in memory so that
 * verifying a token is a map lookup, never a query. An entry is kept until its revocation plus
 * the longest access-token lifetime still in use by any instance (`AccessTokenLifetimes`) and
 * this instance's clock tolerance, after which every token carrying that `sid` has expired.
 * Filled by `RevocationFeed` (from the database, and the other instances' notifications) and by
 * this instance's own revocations.
 */
@Injectable()
export class RevokedSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevokedSessions');
  /** Session id → when it was revoked (epoch ms). */
  private readonly entries = new Map<string, number>();
  private retentionMs: number;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly lifetimes: AccessTokenLifetimes,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {
    this.retentionMs = this.retentionFor(config.accessTokenTtlSeconds);
  }

  has(sessionId: string): boolean {
    return this.entries.has(sessionId);
  }

  add(sessionIds: Iterable<string>, revokedAt = new Date()): void {
    const at = revokedAt.getTime();
    for (const id of sessionIds) this.entries.set(id, Math.max(at, this.entries.get(id) ?? 0));
  }

  get size(): number {
    return this.entries.size;
  }

  /** How long a revocation is remembered now (seconds). */
  get retentionSeconds(): number {
    return this.retentionMs / 1000;
  }

  /** Loads every revocation still within retention (at start, and after a gap in the feed). */
  async load(): Promise<void> {
    await this.renewRetention();
    // Sessions, and the ids of service tokens (jti) and deleted clients, which have no session.
    const rows: { id: string; revoked_at: Date }[] = await this.dataSource.query(
      `SELECT id, revoked_at FROM sessions
        WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)
       UNION ALL
       SELECT id, revoked_at FROM revoked_token_ids
        WHERE revoked_at > now() - make_interval(secs => $1)`,
      [this.retentionSeconds],
    );
    for (const row of rows) this.add([row.id], new Date(row.revoked_at));
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(
      () => void this.renewAndSweep(),
      LIFETIME_RENEWAL_SECONDS * 1000,
    ).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Drops the entries past retention, as last renewed. */
  sweep(now = Date.now()): void {
    for (const [id, revokedAt] of this.entries) {
      if (revokedAt + this.retentionMs <= now) this.entries.delete(id);
    }
  }

  /** Sweeps only with a fresh retention: a stale, shorter one could drop a live revocation. */
  private async renewAndSweep(): Promise<void> {
    try {
      await this.renewRetention();
      this.sweep();
    } catch (error) {
      this.logger.warn(
        `Kept revoked sessions, cannot renew retention: ${(error as Error).message}`,
      );
    }
  }

  private async renewRetention(): Promise<void> {
    this.retentionMs = this.retentionFor(await this.lifetimes.renew());
  }

  private retentionFor(lifetimeSeconds: number): number {
    return (lifetimeSeconds + this.config.clockToleranceSeconds) * 1000;
  }
}
