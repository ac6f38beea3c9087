import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit-event-type.js';
import type { AuditEvent } from '../audit-event.entity.js';

export class AuditEventResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES, example: 'login_failed' })
  type: AuditEventType;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The account the event is about; null for an unknown email',
  })
  userId: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Who did it: the user, or an administrator',
  })
  actorId: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0' })
  userAgent: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { email: 'ada@example.com' },
    description: 'Depends on the type: the email typed, session ids and reason, roles from/to',
  })
  details: Record<string, unknown>;

  @ApiProperty()
  createdAt: Date;

  static from(event: AuditEvent): AuditEventResponseDto {
    const { id, type, userId, actorId, ip, userAgent, details, createdAt } = event;
    return Object.assign(new AuditEventResponseDto(), {
      id,
      type,
      userId,
      actorId,
      ip,
      userAgent,
      details,
      createdAt,
    });
  }
}
