import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../common/errors/error-codes.js';
import { mailConfig } from '../config/mail.config.js';
import type { MailContent } from './mail-content.js';
import { MailOutboxWorker } from './mail-outbox.worker.js';

export type LinkKind = keyof ConfigType<typeof mailConfig>['links'];

/**
 * What other modules use to send mail: `enqueue` writes the mail into the outbox inside the
 * caller's transaction, so it exists exactly when the change it carries committed (ADR 0015).
 */
@Injectable()
export class MailService {
  constructor(
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
    private readonly worker: MailOutboxWorker,
  ) {}

  get enabled(): boolean {
    return this.config.mode !== 'disabled';
  }

  /** 503 `mail_disabled` for routes whose whole point is a mail (MAIL_URL=disabled). */
  requireEnabled(): void {
    if (!this.enabled) {
      throw new ServiceUnavailableException({
        code: ErrorCode.MailDisabled,
        message: 'This server sends no mail (MAIL_URL=disabled)',
      });
    }
  }

  /** The link a mail carries: APP_URL plus the configured path with the token in it. */
  link(kind: LinkKind, token: string): string {
    return (
      this.config.appUrl + this.config.links[kind].replace('{token}', encodeURIComponent(token))
    );
  }

  /**
   * Queues the mail in `manager`'s transaction (nothing when mail is disabled). Call `flush`
   * after the commit to send it at once rather than at the next poll.
   */
  async enqueue(manager: EntityManager, to: string, mail: MailContent): Promise<void> {
    if (!this.enabled) return;
    await manager.query(
      `INSERT INTO mail_outbox (template, recipient, subject, text_body, html_body)
       VALUES ($1, $2, $3, $4, $5)`,
      [mail.template, to, mail.subject, mail.text, mail.html],
    );
  }

  /** Wakes this instance's worker (without waiting for it). */
  flush(): void {
    this.worker.wake();
  }
}
