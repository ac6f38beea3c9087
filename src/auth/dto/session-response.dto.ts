import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../users/role.js';
import type { AuthUser } from '../auth-user.js';

/** Who the caller is and when to refresh, read from the verified token alone. */
export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ format: 'uuid', description: 'The session the token belongs to (`sid`)' })
  sessionId: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: Role[];

  @ApiProperty({ description: 'When the access token expires' })
  expiresAt: Date;

  static from(user: AuthUser): SessionResponseDto {
    return Object.assign(new SessionResponseDto(), {
      userId: user.userId,
      sessionId: user.sessionId,
      roles: user.roles,
      expiresAt: user.expiresAt,
    });
  }
}
