import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { securityConfig } from '../config/security.config.js';
import { deleteInBatches } from '../database/delete-in-batches.js';
import { runScheduledCleanup } from '../database/scheduled-cleanup.js';

/**
 * Deletes lockout counts that no longer count: rows whose window has passed and whose lock, if
 * any, has ended. `LoginLockout.begin` would start such a row over from one, exactly as if it
 * were absent, so deleting it changes no answer; without this, `login_attempts` grows by a row
 * per (email, client address) ever tried. In batches, so no statement holds locks for long.
 */
@Injectable()
export class LoginAttemptsCleanup {
  private readonly logger = new Logger('LoginAttemptsCleanup');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'login-attempts-cleanup' })
  runScheduled(): Promise<void> {
    return runScheduledCleanup(this.logger, () => this.run());
  }

  /** Returns how many rows went. */
  async run(): Promise<{ loginAttempts: number; accountLockouts: number }> {
    const loginAttempts = await this.deleteEnded('login_attempts', 'updated_at');
    const accountLockouts = await this.deleteEnded('account_lockouts', 'window_started_at');
    if (loginAttempts || accountLockouts) {
      this.logger.log(
        `Deleted ${loginAttempts} address counts and ${accountLockouts} account counts`,
      );
    }
    return { loginAttempts, accountLockouts };
  }

  private deleteEnded(table: string, windowStart: string): Promise<number> {
    return deleteInBatches(
      this.dataSource,
      table,
      `${windowStart} < now() - make_interval(secs => $2)
        AND (locked_until IS NULL OR locked_until <= now())`,
      [this.config.loginLockoutSeconds],
    );
  }
}
