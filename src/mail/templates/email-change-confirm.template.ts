import { escapeHtml, htmlMail, type MailContent } from '../mail-content.js';

/** Sent to the new address on `POST /users/me/email`. */
export function emailChangeConfirmMail({
  link,
  minutes,
}: {
  link: string;
  minutes: number;
}): MailContent {
  const subject = 'Confirm your new email address';
  return {
    template: 'email-change-confirm',
    subject,
    text: `Someone asked to make this the address of their account. To confirm, open this link:\n\n${link}\n\nIt works once, within ${minutes} minutes. If it was not you, ignore this mail.\n`,
    html: htmlMail(
      subject,
      `<p>Someone asked to make this the address of their account.</p>` +
        `<p><a href="${escapeHtml(link)}">Confirm this address</a></p>` +
        `<p>The link works once, within ${minutes} minutes. If it was not you, ignore this mail.</p>`,
    ),
  };
}
