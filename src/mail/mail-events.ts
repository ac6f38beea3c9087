/** What became of a mail in the outbox, for metrics. */
export const MailEvent = {
  Sent: 'mail.sent',
  /** A delivery failed and will be tried again later. */
  Retrying: 'mail.retrying',
  /** The last allowed delivery failed: the mail is marked failed and never sent. */
  Failed: 'mail.failed',
} as const;

export interface MailEventPayload {
  id: string;
  template: string;
}
