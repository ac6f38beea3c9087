import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AsyncResource } from 'node:async_hooks';
import { DataSource } from 'typeorm';
import { mailConfig } from '../config/mail.config.js';
import { MailEvent, type MailEventPayload } from './mail-events.js';
import { createMailTransport, type MailTransport } from './mail-transport.js';

/** Mails claimed per round, sent in parallel over the SMTP pool. */
const BATCH = 10;
/** How long a claim holds: far beyond a round's SMTP timeouts, so no other worker resends. */
const LEASE_SECONDS = 300;
/** The longest wait between two attempts of one mail. */
const MAX_BACKOFF_SECONDS = 3600;

interface ClaimedMail {
  id: string;
  template: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: number;
}

/**
 * Delivers the outbox. Each round claims due mails in one autocommit statement (`FOR UPDATE SKIP
 * LOCKED` plus a lease in `locked_until`), so instances never claim the same row and no
 * transaction or connection is held while SMTP talks: on the embedded database the pool has one
 * connection, which requests need meanwhile. Sent mails are marked sent; failures are retried
 * with exponential backoff up to MAIL_MAX_ATTEMPTS, then marked failed (a metric and an error in
 * the log). A crash between SMTP's acceptance and the mark resends that one mail after the lease:
 * at least once, and exactly once otherwise (ADR 0015).
 */
@Injectable()
export class MailOutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private transport?: MailTransport;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.mode === 'disabled') return;
    this.transport = createMailTransport(this.config);
    if (this.config.mode === 'files') {
      this.logger.log(`No MAIL_URL: mails are written as .eml files to ${this.config.directory}`);
    }
    this.timer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /**
   * Starts a round now, or another one right after the current round. A round runs in the
   * worker's own async context (bound when the worker was made), not in the waking request's: it
   * delivers every due mail, so its log lines must not carry that one request's id.
   */
  readonly wake: () => void = AsyncResource.bind(() => this.startRound());

  private startRound(): void {
    if (!this.transport || this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.deliverDue()
      .catch((error: unknown) => {
        // The database may be down: the next poll tries again.
        this.logger.warn(`Mail outbox round failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.round = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Finishes the round in flight (its mails are marked), then stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    this.transport?.close();
  }

  /** Rounds until nothing is due. */
  private async deliverDue(): Promise<void> {
    while (!this.stopped) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((mail) => this.deliver(mail)));
      if (claimed.length < BATCH) return;
    }
  }

  private async claim(): Promise<ClaimedMail[]> {
    // The UPDATE in a CTE, so the driver returns the rows (a bare UPDATE yields [rows, count]).
    return this.dataSource.query(
      `WITH due AS MATERIALIZED (
         SELECT id FROM mail_outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
            AND (locked_until IS NULL OR locked_until <= now())
          ORDER BY next_attempt_at
          LIMIT $1
            FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE mail_outbox m
            SET locked_until = now() + make_interval(secs => $2), attempts = m.attempts + 1
           FROM due WHERE m.id = due.id
         RETURNING m.id, m.template, m.recipient, m.subject, m.text_body, m.html_body, m.attempts)
       SELECT * FROM claimed`,
      [BATCH, LEASE_SECONDS],
    );
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const event: MailEventPayload = { id: mail.id, template: mail.template };
    try {
      await this.transport!.send({
        id: mail.id,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
      });
    } catch (error) {
      await this.failed(mail, event, error as Error);
      return;
    }
    // The bodies go: a link token must not outlive its delivery in the database.
    await this.dataSource.query(
      `UPDATE mail_outbox SET sent_at = now(), locked_until = NULL, text_body = NULL,
              html_body = NULL, last_error = NULL
        WHERE id = $1`,
      [mail.id],
    );
    this.events.emit(MailEvent.Sent, event);
  }

  private async failed(mail: ClaimedMail, event: MailEventPayload, error: Error): Promise<void> {
    const reason = String(error.message).slice(0, 500);
    if (mail.attempts >= this.config.maxAttempts) {
      await this.dataSource.query(
        `UPDATE mail_outbox SET failed_at = now(), locked_until = NULL, text_body = NULL,
                html_body = NULL, last_error = $2
          WHERE id = $1`,
        [mail.id, reason],
      );
      this.logger.error(
        `Mail ${mail.id} (${mail.template}) failed after ${mail.attempts} attempts: ${reason}`,
      );
      this.events.emit(MailEvent.Failed, event);
      return;
    }
    const delay = Math.min(
      this.config.retryDelaySeconds * 2 ** (mail.attempts - 1),
      MAX_BACKOFF_SECONDS,
    );
    await this.dataSource.query(
      `UPDATE mail_outbox SET locked_until = NULL, last_error = $2,
              next_attempt_at = now() + make_interval(secs => $3)
        WHERE id = $1`,
      [mail.id, reason, delay],
    );
    this.logger.warn(
      `Mail ${mail.id} (${mail.template}) not delivered (attempt ${mail.attempts}), next in ${delay} s: ${reason}`,
    );
    this.events.emit(MailEvent.Retrying, event);
  }
}
