import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { accountEmailConfig } from '../../config/mail.config.js';
import { MailService } from '../../mail/mail.service.js';
import { verifyEmailMail } from '../../mail/templates/verify-email.template.js';
import { UserEmailService } from '../../users/user-email.service.js';
import { EmailTokensService } from './email-tokens.service.js';

/** `POST /auth/verify-email` and its resend. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly userEmails: UserEmailService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    @Inject(accountEmailConfig.KEY) private readonly config: ConfigType<typeof accountEmailConfig>,
  ) {}

  async verify(token: string, client: ClientInfo): Promise<void> {
    const userId = await this.dataSource.transaction(async (manager) => {
      const { userId } = await this.tokens.consume(manager, 'verify_email', token);
      await this.userEmails.markVerified(manager, userId);
      return userId;
    });
    this.userEmails.verifiedByLink(userId, client);
  }

  /** A new link (the older ones stop working); 409 `already_verified`. */
  async resend(userId: string): Promise<void> {
    this.mail.requireEnabled();
    const account = await this.userEmails.findAddress(userId);
    if (account.emailVerified) {
      throw new ConflictException({
        code: ErrorCode.AlreadyVerified,
        message: 'This address is already verified',
      });
    }
    const ttlSeconds = this.config.verificationTtlSeconds;
    await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.issue(manager, 'verify_email', {
        userId,
        email: account.email,
        ttlSeconds,
      });
      await this.mail.enqueue(
        manager,
        account.email,
        verifyEmailMail({ link: this.mail.link('verify', token), hours: ttlSeconds / 3600 }),
      );
    });
    this.mail.flush();
  }
}
