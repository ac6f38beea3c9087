import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { accountEmailConfig } from '../../config/mail.config.js';
import { MailService } from '../../mail/mail.service.js';
import { passwordChangedMail } from '../../mail/templates/password-changed.template.js';
import { passwordResetMail } from '../../mail/templates/password-reset.template.js';
import { UserEmailService } from '../../users/user-email.service.js';
import { LoginLockout } from '../login-lockout.service.js';
import { EmailTokensService } from './email-tokens.service.js';

/** `POST /auth/password/forgot` and `/reset`. */
@Injectable()
export class PasswordResetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('PasswordReset');
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly userEmails: UserEmailService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly lockout: LoginLockout,
    @Inject(accountEmailConfig.KEY) private readonly config: ConfigType<typeof accountEmailConfig>,
  ) {}

  /**
   * Answers before looking the address up: the lookup, the token and the mail happen after the
   * response, so neither its content nor its timing can depend on whether the account exists.
   */
  forgot(email: string): void {
    this.mail.requireEnabled();
    const work = this.sendReset(email)
      .catch((error: unknown) => {
        this.logger.error(`Password reset mail not queued: ${(error as Error).message}`);
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /**
   * Sets the new password if the token is good: every session ends, the lockout of the address is
   * lifted, the address counts as proven, and a notice is queued, all in one transaction (the
   * lockout after it). The password is hashed first, outside the transaction.
   */
  async reset(token: string, newPassword: string, client: ClientInfo): Promise<void> {
    const passwordHash = await this.userEmails.hashPassword(newPassword);
    const { email } = await this.dataSource.transaction(async (manager) => {
      const consumed = await this.tokens.consume(manager, 'password_reset', token);
      await this.userEmails.resetPassword(manager, consumed.userId, passwordHash, client);
      await this.mail.enqueue(manager, consumed.email, passwordChangedMail());
      return consumed;
    });
    this.mail.flush();
    await this.lockout.clear(email);
  }

  /** Waits for resets being queued, so a graceful stop loses none. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async sendReset(email: string): Promise<void> {
    const account = await this.userEmails.findActiveByEmail(email);
    if (!account) return;
    const ttlSeconds = this.config.passwordResetTtlSeconds;
    await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.issue(manager, 'password_reset', {
        userId: account.id,
        email: account.email,
        ttlSeconds,
      });
      await this.mail.enqueue(
        manager,
        account.email,
        passwordResetMail({
          link: this.mail.link('reset', token),
          minutes: Math.max(1, Math.round(ttlSeconds / 60)),
        }),
      );
    });
    this.mail.flush();
  }
}
