import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '../database/delete-in-batches.js';
import { runScheduledCleanup } from '../database/scheduled-cleanup.js';

/** How long sent and failed mails stay, bodies already erased, for whoever investigates. */
const KEEP_DAYS = 30;

/** Deletes outbox rows done (sent or failed) more than 30 days ago. Hourly, in batches. */
@Injectable()
export class MailOutboxCleanup {
  private readonly logger = new Logger('MailOutboxCleanup');

  constructor(private readonly dataSource: DataSource) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'mail-outbox-cleanup' })
  runScheduled(): Promise<void> {
    return runScheduledCleanup(this.logger, () => this.run());
  }

  /** Returns how many rows went. */
  run(): Promise<number> {
    return deleteInBatches(
      this.dataSource,
      'mail_outbox',
      `COALESCE(sent_at, failed_at) < now() - make_interval(days => $2)`,
      [KEEP_DAYS],
    );
  }
}
