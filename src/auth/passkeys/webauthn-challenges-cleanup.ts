import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '../../database/delete-in-batches.js';
import { runScheduledCleanup } from '../../database/scheduled-cleanup.js';

/**
 * Deletes WebAuthn challenges past their expiry (ceremonies begun and never finished): `consume`
 * refuses them anyway, so deleting them changes no answer. Hourly, in batches.
 */
@Injectable()
export class WebauthnChallengesCleanup {
  private readonly logger = new Logger('WebauthnChallengesCleanup');

  constructor(private readonly dataSource: DataSource) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'webauthn-challenges-cleanup' })
  runScheduled(): Promise<void> {
    return runScheduledCleanup(this.logger, () => this.run());
  }

  /** Returns how many rows went. */
  run(): Promise<number> {
    return deleteInBatches(this.dataSource, 'webauthn_challenges', 'expires_at <= now()');
  }
}
