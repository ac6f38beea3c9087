import { escapeHtml, htmlMail, type MailContent } from '../mail-content.js';

/** Sent to the old address on `POST /users/me/email`: no link, only the warning. */
export function emailChangeNoticeMail({ newEmail }: { newEmail: string }): MailContent {
  const subject = 'Your email address is being changed';
  return {
    template: 'email-change-notice',
    subject,
    text: `Someone signed in to your account asked to change its address to ${newEmail}. It changes once that address is confirmed. If it was not you, change your password at once.\n`,
    html: htmlMail(
      subject,
      `<p>Someone signed in to your account asked to change its address to <b>${escapeHtml(newEmail)}</b>. It changes once that address is confirmed.</p>` +
        '<p>If it was not you, change your password at once.</p>',
    ),
  };
}
