import { emailChangeConfirmMail } from './email-change-confirm.template.js';
import { emailChangeNoticeMail } from './email-change-notice.template.js';
import { passwordChangedMail } from './password-changed.template.js';
import { passwordResetMail } from './password-reset.template.js';
import { registrationAttemptMail } from './registration-attempt.template.js';
import { verifyEmailMail } from './verify-email.template.js';

const LINK = 'https://app.example.com/verify?token=abc_DEF-123&x=<y>';

describe('mail templates', () => {
  it.each([
    ['verify-email', verifyEmailMail({ link: LINK, hours: 24 })],
    ['password-reset', passwordResetMail({ link: LINK, minutes: 30 })],
    ['email-change-confirm', emailChangeConfirmMail({ link: LINK, minutes: 60 })],
  ])('%s carries the link once in each part, escaped in the HTML', (name, mail) => {
    expect(mail.template).toBe(name);
    expect(mail.text.split(LINK)).toHaveLength(2);
    expect(mail.html).toContain(
      'href="https://app.example.com/verify?token=abc_DEF-123&amp;x=&lt;y&gt;"',
    );
    expect(mail.html).not.toContain('<y>');
    expect(mail.subject).not.toContain('abc_DEF');
  });

  it('escapes an address put into the HTML of the notice', () => {
    const mail = emailChangeNoticeMail({ newEmail: '"><script>x</script>@example.com' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('"><script>x</script>@example.com');
  });

  it.each([passwordChangedMail(), registrationAttemptMail()])(
    'notices ($template) carry no link token',
    (mail) => {
      expect(mail.text).not.toMatch(/token=/);
      expect(mail.html).not.toMatch(/token=/);
      expect(mail.html).toMatch(/^<!doctype html>/);
    },
  );
});
