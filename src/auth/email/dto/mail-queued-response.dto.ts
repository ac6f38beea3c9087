import { ApiProperty } from '@nestjs/swagger';

export const MAIL_QUEUED_STATUSES = [
  'verification_sent',
  'reset_requested',
  'confirmation_sent',
] as const;
export type MailQueuedStatus = (typeof MAIL_QUEUED_STATUSES)[number];

/** A 202: the request is taken, and a mail follows when there is one to send. */
export class MailQueuedResponseDto {
  @ApiProperty({ enum: MAIL_QUEUED_STATUSES })
  status: MailQueuedStatus;

  static of(status: MailQueuedStatus): MailQueuedResponseDto {
    return Object.assign(new MailQueuedResponseDto(), { status });
  }
}
