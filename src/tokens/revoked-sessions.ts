import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The revoked sessions whose access tokens may still be unexpired, held in memory so that
 * verifying a token is a map lookup, never a query. An entry is kept until revocation time plus
 * the access-token lifetime and clock tolerance, after which every token carrying that `sid`
 * has expired anyway. Filled at start from the database, then by this instance's own
 * revocations and the other instances' (see `RevocationFeed`).
 */
@Injectable()
export class RevokedSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Session id → when the entry may be dropped (epoch ms). */
  private readonly entries = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  has(sessionId: string): boolean {
    return this.entries.has(sessionId);
  }

  add(sessionIds: Iterable<string>, revokedAt = new Date()): void {
    const until = revokedAt.getTime() + this.config.revocationRetentionSeconds * 1000;
    for (const id of sessionIds) {
      this.entries.set(id, Math.max(until, this.entries.get(id) ?? 0));
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Loads every revocation still within retention (at start, and after a missed feed). */
  async load(): Promise<void> {
    const rows: { id: string; revoked_at: Date }[] = await this.dataSource.query(
      `SELECT id, revoked_at FROM sessions
        WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)`,
      [this.config.revocationRetentionSeconds],
    );
    for (const row of rows) this.add([row.id], new Date(row.revoked_at));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.load();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  sweep(now = Date.now()): void {
    for (const [id, until] of this.entries) if (until <= now) this.entries.delete(id);
  }
}
