import { escapeHtml, htmlMail, type MailContent } from '../mail-content.js';

/** Sent on `POST /auth/password/forgot` for an existing, active account. */
export function passwordResetMail({
  link,
  minutes,
}: {
  link: string;
  minutes: number;
}): MailContent {
  const subject = 'Reset your password';
  return {
    template: 'password-reset',
    subject,
    text: `Someone asked to reset the password of the account with this address. To choose a new password, open this link:\n\n${link}\n\nIt works once, within ${minutes} minutes. If it was not you, ignore this mail: your password stays as it is.\n`,
    html: htmlMail(
      subject,
      `<p>Someone asked to reset the password of the account with this address.</p>` +
        `<p><a href="${escapeHtml(link)}">Choose a new password</a></p>` +
        `<p>The link works once, within ${minutes} minutes. If it was not you, ignore this mail: your password stays as it is.</p>`,
    ),
  };
}
