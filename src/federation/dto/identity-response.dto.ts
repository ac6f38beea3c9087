import { ApiProperty } from '@nestjs/swagger';
import type { Identity } from '../identity.entity.js';

/** An identity linked to the caller's account (never the provider's tokens: none are kept). */
export class IdentityResponseDto {
  @ApiProperty({ format: 'uuid', description: 'For `DELETE /users/me/identities/{id}`' })
  id: string;

  @ApiProperty({ example: 'google' })
  provider: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ description: 'The last sign-in through it' })
  lastUsedAt: Date;

  static from(identity: Identity): IdentityResponseDto {
    return Object.assign(new IdentityResponseDto(), {
      id: identity.id,
      provider: identity.provider,
      email: identity.email,
      createdAt: identity.createdAt,
      lastUsedAt: identity.lastUsedAt,
    });
  }
}
