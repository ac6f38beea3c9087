import { htmlMail, type MailContent } from '../mail-content.js';

/** Sent after a password reset: the owner learns of it even when it was not them. */
export function passwordChangedMail(): MailContent {
  const subject = 'Your password was changed';
  return {
    template: 'password-changed',
    subject,
    text: 'The password of your account was just reset, and every session was signed out. If it was not you, reset it again at once and contact support.\n',
    html: htmlMail(
      subject,
      '<p>The password of your account was just reset, and every session was signed out.</p>' +
        '<p>If it was not you, reset it again at once and contact support.</p>',
    ),
  };
}
