import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../role.js';
import type { UserProfile } from '../user.entity.js';

/** What the API shows of a user: never the password hash. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  displayName: string | null;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['user'] })
  roles: Role[];

  @ApiProperty()
  disabled: boolean;

  @ApiProperty({ description: 'Whether the address was proven to be the user’s' })
  emailVerified: boolean;

  @ApiProperty()
  createdAt: Date;

  static from(user: UserProfile): UserResponseDto {
    return Object.assign(new UserResponseDto(), {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      disabled: user.disabledAt !== null,
      emailVerified: user.emailVerifiedAt !== null,
      createdAt: user.createdAt,
    });
  }
}
