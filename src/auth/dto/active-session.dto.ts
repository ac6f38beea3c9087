import { ApiProperty } from '@nestjs/swagger';
import type { ActiveSession } from '../../tokens/sessions.service.js';

export class ActiveSessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  lastUsedAt: Date;

  @ApiProperty({ description: 'The latest the session can last, however often it is refreshed' })
  expiresAt: Date;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ description: 'Whether this is the session of the token making the request' })
  current: boolean;

  static from(session: ActiveSession, currentSessionId: string): ActiveSessionDto {
    return Object.assign(new ActiveSessionDto(), {
      ...session,
      current: session.id === currentSessionId,
    });
  }
}
