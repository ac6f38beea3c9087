import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';
import { deleteInBatches } from '../database/delete-in-batches.js';
import { runScheduledCleanup } from '../database/scheduled-cleanup.js';
import { AccessTokenLifetimes } from './access-token-lifetimes.js';

/**
 * Deletes what can no longer be used, in batches so no statement holds locks for long: refresh
 * tokens and sessions that ended (expired or revoked) longer ago than the longest access token
 * any instance issues can live. Revoked sessions stay known for as long as `RevokedSessions`
 * needs them, and a refresh token presented after its session's end is answered
 * `session_expired` whether or not the hourly run came in between (deleted, it would be unknown:
 * `invalid_grant`).
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
  runScheduled(): Promise<void> {
    return runScheduledCleanup(this.logger, () => this.run());
  }

  /** Returns how many rows went. */
  async run(): Promise<{ refreshTokens: number; sessions: number }> {
    const retentionSeconds = (await this.lifetimes.renew()) + this.config.clockToleranceSeconds;
    const refreshTokens = await deleteInBatches(
      this.dataSource,
      'refresh_tokens',
      'expires_at < now() - make_interval(secs => $2)',
      [retentionSeconds],
    );
    const sessions = await deleteInBatches(
      this.dataSource,
      'sessions',
      `expires_at < now() - make_interval(secs => $2)
        OR revoked_at < now() - make_interval(secs => $2)`,
      [retentionSeconds],
    );
    await deleteInBatches(
      this.dataSource,
      'revoked_token_ids',
      'revoked_at < now() - make_interval(secs => $2)',
      [retentionSeconds],
    );
    if (refreshTokens || sessions) {
      this.logger.log(`Deleted ${refreshTokens} refresh tokens and ${sessions} sessions`);
    }
    return { refreshTokens, sessions };
  }
}
