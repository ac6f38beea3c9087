import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { accountEmailConfig } from '../../config/mail.config.js';
import { MailService } from '../../mail/mail.service.js';
import { emailChangeConfirmMail } from '../../mail/templates/email-change-confirm.template.js';
import { emailChangeNoticeMail } from '../../mail/templates/email-change-notice.template.js';
import { emailTaken, UserEmailService } from '../../users/user-email.service.js';
import type { AuthUser } from '../auth-user.js';
import { AuthService } from '../auth.service.js';
import type { ChangeEmailDto } from './dto/change-email.dto.js';
import { EmailTokensService } from './email-tokens.service.js';

/** `POST /users/me/email` (a link to the new address, a notice to the old) and its confirmation. */
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly userEmails: UserEmailService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    @Inject(accountEmailConfig.KEY) private readonly config: ConfigType<typeof accountEmailConfig>,
  ) {}

  async request(user: AuthUser, dto: ChangeEmailDto, client: ClientInfo): Promise<void> {
    this.mail.requireEnabled();
    const email = await this.auth.confirmCurrentPassword(user, dto.currentPassword, client);
    const newEmail = dto.newEmail;
    // A taken address is only told when registration tells it too; else the confirmation fails.
    if (
      newEmail === email ||
      (this.config.registrationRevealsAccounts && (await this.userEmails.isTaken(newEmail)))
    ) {
      throw emailTaken();
    }
    const ttlSeconds = this.config.emailChangeTtlSeconds;
    await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.issue(manager, 'email_change', {
        userId: user.userId,
        email: newEmail,
        sessionId: user.sessionId,
        ttlSeconds,
      });
      const minutes = Math.max(1, Math.round(ttlSeconds / 60));
      const link = this.mail.link('emailChange', token);
      await this.mail.enqueue(manager, newEmail, emailChangeConfirmMail({ link, minutes }));
      await this.mail.enqueue(manager, email, emailChangeNoticeMail({ newEmail }));
    });
    this.mail.flush();
  }

  /** 409 `email_taken` when the address was taken meanwhile (the link stays unused then). */
  async confirm(token: string, client: ClientInfo): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const consumed = await this.tokens.consume(manager, 'email_change', token);
      await this.userEmails.changeEmail(manager, consumed.userId, consumed.email, {
        keepSessionId: consumed.sessionId ?? undefined,
        client,
      });
    });
  }
}
