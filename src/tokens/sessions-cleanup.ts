import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';
import { AccessTokenLifetimes } from './access-token-lifetimes.js';

const BATCH_SIZE = 1000;

/**
 * Deletes what can no longer be used, in batches so no statement holds locks for long:
 * refresh tokens past their expiry, and sessions ended (expired or revoked) longer ago than the
 * longest access token any instance issues can live, so revoked ones stay known for as long as
 * `RevokedSessions` needs them.
 */
@Injectable()
export class SessionsCleanup {
  private readonly logger = new Logger('SessionsCleanup');

  constructor(
    private readonly dataSource: DataSource,
    private readonly lifetimes: AccessTokenLifetimes,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'sessions-cleanup' })
  async runScheduled(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.warn(`Cleanup failed, will retry next hour: ${(error as Error).message}`);
    }
  }

  /** Returns how many rows went. */
  async run(): Promise<{ refreshTokens: number; sessions: number }> {
    const retentionSeconds = (await this.lifetimes.renew()) + this.config.clockToleranceSeconds;
    const refreshTokens = await this.deleteInBatches(
      `SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT $1`,
      'refresh_tokens',
      [],
    );
    const sessions = await this.deleteInBatches(
      `SELECT id FROM sessions
        WHERE expires_at < now() - make_interval(secs => $2)
           OR revoked_at < now() - make_interval(secs => $2)
        LIMIT $1`,
      'sessions',
      [retentionSeconds],
    );
    if (refreshTokens || sessions) {
      this.logger.log(`Deleted ${refreshTokens} refresh tokens and ${sessions} sessions`);
    }
    return { refreshTokens, sessions };
  }

  private async deleteInBatches(select: string, table: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: { id: string }[] = await this.dataSource.query(
        `WITH gone AS (DELETE FROM ${table} WHERE id IN (${select}) RETURNING id) SELECT id FROM gone`,
        [BATCH_SIZE, ...params],
      );
      total += rows.length;
      if (rows.length < BATCH_SIZE) return total;
    }
  }
}
