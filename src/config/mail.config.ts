import { registerAs } from '@nestjs/config';
import { join } from 'node:path';
import { validateEnv } from './env.validation.js';

/** How mail leaves: SMTP, `.eml` files for a newcomer to open, or not at all. */
export type MailMode = 'smtp' | 'files' | 'disabled';

export const mailConfig = registerAs('mail', () => {
  const env = validateEnv(process.env);
  const mode: MailMode = env.MAIL_URL === 'disabled' ? 'disabled' : env.MAIL_URL ? 'smtp' : 'files';
  return {
    mode,
    /** Credentials included: never logged. */
    url: mode === 'smtp' ? env.MAIL_URL! : undefined,
    directory: join(env.DATA_DIR, 'mail'),
    from: env.MAIL_FROM,
    appUrl: env.APP_URL.replace(/\/+$/, ''),
    links: {
      verify: env.MAIL_LINK_VERIFY,
      reset: env.MAIL_LINK_RESET,
      emailChange: env.MAIL_LINK_EMAIL_CHANGE,
    },
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    retryDelaySeconds: env.MAIL_RETRY_DELAY,
    pollIntervalMs: env.MAIL_POLL_INTERVAL * 1000,
  };
});

export const accountEmailConfig = registerAs('accountEmail', () => {
  const env = validateEnv(process.env);
  return {
    verificationTtlSeconds: env.EMAIL_VERIFICATION_TTL,
    passwordResetTtlSeconds: env.PASSWORD_RESET_TTL,
    emailChangeTtlSeconds: env.EMAIL_CHANGE_TTL,
    registrationRevealsAccounts: env.REGISTRATION_REVEALS_ACCOUNTS,
    requireVerifiedEmail: env.REQUIRE_VERIFIED_EMAIL,
  };
});
