import { htmlMail, type MailContent } from '../mail-content.js';

/**
 * With REGISTRATION_REVEALS_ACCOUNTS=false, sent instead of a verification mail when the address
 * already has an account: the answer is the same, and only the owner learns of the attempt.
 */
export function registrationAttemptMail(): MailContent {
  const subject = 'Someone tried to register with your address';
  return {
    template: 'registration-attempt',
    subject,
    text: 'Someone tried to create an account with this address, which already has one. If it was you, sign in instead (or use "forgot password"). If it was not you, ignore this mail: nothing changed.\n',
    html: htmlMail(
      subject,
      '<p>Someone tried to create an account with this address, which already has one.</p>' +
        '<p>If it was you, sign in instead (or use “forgot password”). If it was not you, ignore this mail: nothing changed.</p>',
    ),
  };
}
