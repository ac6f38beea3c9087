import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '../../database/delete-in-batches.js';
import { runScheduledCleanup } from '../../database/scheduled-cleanup.js';

/**
 * Deletes link tokens that can no longer be used (spent or expired): `consume` refuses them
 * anyway, so deleting them changes no answer. Hourly, in batches.
 */
@Injectable()
export class EmailTokensCleanup {
  private readonly logger = new Logger('EmailTokensCleanup');

  constructor(private readonly dataSource: DataSource) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'email-tokens-cleanup' })
  runScheduled(): Promise<void> {
    return runScheduledCleanup(this.logger, () => this.run());
  }

  /** Returns how many rows went. */
  run(): Promise<number> {
    return deleteInBatches(
      this.dataSource,
      'email_tokens',
      'used_at IS NOT NULL OR expires_at <= now()',
    );
  }
}
