import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { accountEmailConfig } from '../../config/mail.config.js';
import { MailService } from '../../mail/mail.service.js';
import { registrationAttemptMail } from '../../mail/templates/registration-attempt.template.js';
import { verifyEmailMail } from '../../mail/templates/verify-email.template.js';
import type { RegisterUserDto } from '../../users/dto/register-user.dto.js';
import { emailTaken, UserEmailService } from '../../users/user-email.service.js';
import { EmailTokensService } from './email-tokens.service.js';

/**
 * `POST /auth/register`: the account and its verification mail in one transaction. With
 * REGISTRATION_REVEALS_ACCOUNTS=false a taken address is answered like a new one, and its owner
 * gets a mail instead: both paths hash the password and write one mail, so they cost the same.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly userEmails: UserEmailService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    @Inject(accountEmailConfig.KEY) private readonly config: ConfigType<typeof accountEmailConfig>,
  ) {}

  get revealsAccounts(): boolean {
    return this.config.registrationRevealsAccounts;
  }

  /** The new account's id; null when the address was taken and that is not revealed. */
  async register(dto: RegisterUserDto): Promise<string | null> {
    const passwordHash = await this.userEmails.hashPassword(dto.password);
    const id = await this.dataSource.transaction(async (manager) => {
      const account = await this.userEmails.insert(manager, { ...dto, passwordHash });
      if (!account) {
        if (this.revealsAccounts) throw emailTaken();
        await this.mail.enqueue(manager, dto.email, registrationAttemptMail());
        return null;
      }
      if (this.mail.enabled) {
        const ttlSeconds = this.config.verificationTtlSeconds;
        const token = await this.tokens.issue(manager, 'verify_email', {
          userId: account.id,
          email: account.email,
          ttlSeconds,
        });
        await this.mail.enqueue(
          manager,
          account.email,
          verifyEmailMail({ link: this.mail.link('verify', token), hours: ttlSeconds / 3600 }),
        );
      }
      return account.id;
    });
    this.mail.flush();
    return id;
  }
}
