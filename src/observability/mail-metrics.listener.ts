import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { MailEvent } from '../mail/mail-events.js';
import { MetricsService } from './metrics.service.js';

/** Counts what the mail outbox worker announces. */
@Injectable()
export class MailMetricsListener {
  constructor(private readonly metrics: MetricsService) {}

  @OnEvent(MailEvent.Sent)
  sent(): void {
    this.metrics.mailDeliveries.inc({ outcome: 'sent' });
  }

  @OnEvent(MailEvent.Retrying)
  retrying(): void {
    this.metrics.mailDeliveries.inc({ outcome: 'retrying' });
  }

  @OnEvent(MailEvent.Failed)
  failed(): void {
    this.metrics.mailDeliveries.inc({ outcome: 'failed' });
  }
}
