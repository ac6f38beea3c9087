import { escapeHtml, htmlMail, type MailContent } from '../mail-content.js';

/** Sent at registration and on `POST /auth/verify-email/resend`. */
export function verifyEmailMail({ link, hours }: { link: string; hours: number }): MailContent {
  const subject = 'Confirm your email address';
  return {
    template: 'verify-email',
    subject,
    text: `Confirm that this address is yours by opening this link:\n\n${link}\n\nIt works once, within ${hours} hours. If you did not create an account, ignore this mail.\n`,
    html: htmlMail(
      subject,
      `<p>Confirm that this address is yours:</p><p><a href="${escapeHtml(link)}">Confirm my address</a></p>` +
        `<p>The link works once, within ${hours} hours. If you did not create an account, ignore this mail.</p>`,
    ),
  };
}
